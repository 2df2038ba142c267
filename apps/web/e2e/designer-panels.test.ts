import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { definitionInJsonView, dropState } from "./support/designer";
import { startRun, waitForRunStatus } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/**
 * Issue 17's remains: panels resize by drag and by keyboard and keep their size; the minimap never
 * covers a state (after panning on a wide screen, and in the run view at 1024×700); the picker of an
 * edge dropped on empty canvas has a keyboard path.
 */

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(selector: string): Promise<Box> {
  const found = await page.locator(selector).boundingBox();
  if (!found) throw new Error(`${selector} is not on screen`);
  return found;
}

/** Drags from the middle of `selector` by (dx, dy), in small steps as a hand would. */
async function dragBy(selector: string, dx: number, dy: number) {
  const from = await box(selector);
  const x = from.x + from.width / 2;
  const y = from.y + from.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 8 });
  await page.mouse.up();
}

/** A fresh designer on db-migration (through the list, so the same hash loads it again). */
async function openDbMigration() {
  await page.goto(`${server.url}/#/`);
  await page.locator("[data-testid=workflow-list]").waitFor();
  await page.goto(`${server.url}/#/workflows/db-migration`);
  await page.locator("[data-state-id=backup_database]").waitFor();
}

describe("resizable panels", () => {
  it("widens the inspector by dragging its edge, and keeps the width after a reload", async () => {
    await openDbMigration();
    await page.evaluate("localStorage.clear()");
    await page.reload();
    await page.locator("[data-state-id=backup_database]").waitFor();
    const before = await box("[data-testid=inspector]");
    const canvasBefore = await box("[data-testid=canvas]");
    await dragBy("[data-testid=resize-inspector]", -120, 0);
    const after = await box("[data-testid=inspector]");
    expect(after.width).toBeGreaterThan(before.width + 110);
    expect(after.width).toBeLessThan(before.width + 130);
    // The canvas gave up the room.
    expect((await box("[data-testid=canvas]")).width).toBeLessThan(canvasBefore.width - 110);

    await page.reload();
    await page.locator("[data-state-id=backup_database]").waitFor();
    expect(Math.abs((await box("[data-testid=inspector]")).width - after.width)).toBeLessThanOrEqual(1);
  });

  it("resizes from the keyboard: arrows, Shift for big steps, Home for the smallest, Enter for the usual", async () => {
    const separator = page.locator("[data-testid=resize-inspector]");
    await separator.focus();
    const start = (await box("[data-testid=inspector]")).width;
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect((await box("[data-testid=inspector]")).width).toBeCloseTo(start - 32, 0);
    await page.keyboard.press("Shift+ArrowLeft");
    expect((await box("[data-testid=inspector]")).width).toBeCloseTo(start + 32, 0);
    await page.keyboard.press("Home");
    expect((await box("[data-testid=inspector]")).width).toBeCloseTo(260, 0);
    expect(await separator.getAttribute("aria-valuenow")).toBe("260");
    expect(await separator.getAttribute("role")).toBe("separator");
    await page.keyboard.press("Enter");
    expect((await box("[data-testid=inspector]")).width).toBeCloseTo(340, 0);
  });

  it("resizes the JSON view and the problems list too", async () => {
    await page.locator("[data-testid=json-toggle]").click();
    await page.locator("[data-testid=json-view]").waitFor();
    const json = (await box("[data-testid=json-view]")).width;
    await dragBy("[data-testid=resize-json]", -80, 0);
    expect((await box("[data-testid=json-view]")).width).toBeGreaterThan(json + 70);
    await page.locator("[data-testid=json-toggle]").click();

    const problems = (await box("[data-testid=problems]")).height;
    await dragBy("[data-testid=resize-problems]", 0, -100);
    expect((await box("[data-testid=problems]")).height).toBeGreaterThan(problems + 90);
    await dragBy("[data-testid=resize-problems]", 0, 400);
    expect((await box("[data-testid=problems]")).height).toBeCloseTo(72, 0);
    await page.evaluate("localStorage.clear()");
    expect(pageErrors).toEqual([]);
  });
});

/** A point of the empty pane (no state, edge or control under it), searched on a grid. */
async function emptyPanePoint(): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(`(() => {
    const pane = document.querySelector("[data-testid=canvas] .react-flow__pane").getBoundingClientRect();
    for (let y = pane.top + 20; y < pane.bottom - 20; y += 24)
      for (let x = pane.left + 60; x < pane.right - 200; x += 24) {
        const hit = document.elementFromPoint(x, y);
        if (hit && hit.classList.contains("react-flow__pane")) return { x, y };
      }
    return null;
  })()`);
  if (!point) throw new Error("no empty spot on the pane");
  return point as { x: number; y: number };
}

/** Drags the pane so the state `id` lands with its middle on `target` (screen coordinates). */
async function panStateTo(id: string, target: { x: number; y: number }) {
  const node = await box(`.react-flow__node[data-id="${id}"]`);
  const from = await emptyPanePoint();
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(
    from.x + target.x - (node.x + node.width / 2),
    from.y + target.y - (node.y + node.height / 2),
    { steps: 12 },
  );
  await page.mouse.up();
}

/** Every drawn state against the minimap, if the minimap is showing: none may be under it. */
async function statesUnderMinimap(): Promise<string[]> {
  const minimap = page.locator(".react-flow__minimap");
  if ((await minimap.count()) === 0 || !(await minimap.isVisible())) return [];
  const shown = await minimap.evaluate((el) => getComputedStyle(el).visibility !== "hidden");
  const area = await minimap.boundingBox();
  if (!shown || !area) return [];
  const nodes = await page.locator(".react-flow__node").evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.getAttribute("data-id") ?? "", x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  return nodes.filter((n) => overlap(n, area)).map((n) => n.id);
}

describe("the minimap", () => {
  it("never covers a state on a wide screen, also after panning one under it", async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await openDbMigration();
    const minimap = page.locator(".react-flow__minimap");
    await minimap.waitFor();
    expect(await statesUnderMinimap()).toEqual([]);

    const corner = await box(".react-flow__minimap");
    await panStateTo("validate_data", { x: corner.x + corner.width / 2, y: corner.y + corner.height / 2 });
    // The state is under the minimap's corner now: the minimap gets out of the way and lets clicks through.
    await expect.poll(() => minimap.evaluate((el) => getComputedStyle(el).opacity)).toBe("0");
    expect(await minimap.evaluate((el) => getComputedStyle(el).visibility)).toBe("hidden");
    expect(await statesUnderMinimap()).toEqual([]);
    const node = await box('.react-flow__node[data-id="validate_data"]');
    await page.mouse.click(node.x + node.width / 2, node.y + node.height / 2);
    await expect.poll(() => page.locator("input[name=state-id]").inputValue()).toBe("validate_data");

    // Panned away again, the overview comes back.
    await page.keyboard.press("Shift+F");
    await expect.poll(() => minimap.evaluate((el) => getComputedStyle(el).opacity)).toBe("1");
    expect(await minimap.evaluate((el) => getComputedStyle(el).visibility)).toBe("visible");
    expect(await statesUnderMinimap()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("covers no state in the run view at 1024×700, also after panning", async () => {
    const runId = await startRun(server.url, "order-saga", {
      orderId: "A-8",
      sku: "KB-75",
      quantity: 1,
      amount: 10,
      failAt: "ship_order",
    });
    await waitForRunStatus(server.url, runId, "compensated");
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(`${server.url}/#/runs/${runId}`);
    await page.locator("[data-state-id=ship_order]").waitFor();
    await page.waitForTimeout(400);
    expect(await statesUnderMinimap()).toEqual([]);
    const canvas = await box("[data-testid=canvas]");
    await panStateTo("ship_order", { x: canvas.x + canvas.width - 90, y: canvas.y + canvas.height - 60 });
    await page.waitForTimeout(300);
    expect(await statesUnderMinimap()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe("adding a state from the keyboard", () => {
  it("opens the picker on the selected state with A, moves with the arrows and links the pick with Enter", async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${server.url}/#/new/keyboard-flow`);
    await page.locator("[data-testid=canvas]").waitFor();
    const first = await dropState(page, "task", { x: 260, y: 200 });
    // Focus on the canvas (not the inspector's fields), as after clicking the state.
    await page.locator(`.react-flow__node[data-id="${first}"]`).click();

    await page.keyboard.press("a");
    const picker = page.locator("[data-testid=state-picker]");
    await picker.waitFor();
    // The first choice has focus; the arrows walk the menu and wrap.
    expect(await page.evaluate("document.activeElement.dataset.pick")).toBe("task");
    await page.keyboard.press("ArrowUp");
    expect(await page.evaluate("document.activeElement.dataset.pick")).toBe("fail");
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowDown");
    const picked = await page.evaluate("document.activeElement.dataset.pick");
    expect(picked).toBe("choice");
    await page.keyboard.press("Enter");
    await expect.poll(() => picker.count()).toBe(0);

    const definition = await definitionInJsonView(page);
    const added = Object.keys(definition.states).find((id) => id !== first);
    expect(added).toBeDefined();
    expect(definition.states[added ?? ""]).toMatchObject({ type: "choice" });
    expect(definition.states[first]).toMatchObject({ next: added });
    await page.locator("[data-testid=json-toggle]").click();

    // Escape closes it without adding anything; a state with no way out explains why there is no picker.
    await page.locator(`.react-flow__node[data-id="${first}"]`).click();
    await page.keyboard.press("a");
    await picker.waitFor();
    await page.keyboard.press("Escape");
    await expect.poll(() => picker.count()).toBe(0);
    expect(Object.keys((await definitionInJsonView(page)).states)).toHaveLength(2);
    await page.locator("[data-testid=json-toggle]").click();
    const end = await dropState(page, "succeed", { x: 260, y: 420 });
    await page.locator(`.react-flow__node[data-id="${end}"]`).click();
    await page.keyboard.press("a");
    await expect.poll(() => page.locator("[data-testid=hint]").textContent()).toContain("no way out");
    expect(await picker.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
