import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { definitionInJsonView, dropState } from "./support/designer";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17 item 5: chaining steps quickly, a picker for an edge dropped on empty canvas, a readable zoom. */

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

async function zoom(): Promise<number> {
  const transform = await page
    .locator(".react-flow__viewport")
    .evaluate((el) => getComputedStyle(el).transform);
  // "matrix(a, b, c, d, e, f)": a is the scale.
  return Number(/matrix\(([^,]+)/.exec(transform)?.[1]);
}

/** Whether the node's box lies inside the canvas on screen. */
async function inView(id: string): Promise<boolean> {
  if ((await page.locator(`.react-flow__node[data-id="${id}"]`).count()) === 0) return false;
  const canvas = await page.locator("[data-testid=canvas]").boundingBox();
  const node = await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox();
  if (!canvas || !node) return false;
  return (
    node.x >= canvas.x &&
    node.y >= canvas.y &&
    node.x + node.width <= canvas.x + canvas.width &&
    node.y + node.height <= canvas.y + canvas.height
  );
}

describe("chaining steps", () => {
  it("adds a clicked state after the selected one, linked, at the same zoom; a compensation goes under its task", async () => {
    await page.goto(`${server.url}/#/new/chain-flow`);
    await page.locator("[data-testid=canvas]").waitFor();
    const first = await dropState(page, "task", { x: 150, y: 200 });
    // The zoom the user sees once the canvas has settled (the first state may still pan it into view).
    let before = await zoom();
    for (let settled = 0; settled < 3; ) {
      await page.waitForTimeout(150);
      const now = await zoom();
      settled = now === before ? settled + 1 : 0;
      before = now;
    }
    for (let i = 0; i < 4; i++) await page.locator("[data-palette=task]").click();
    const definition = await definitionInJsonView(page);
    expect(definition.states[first]).toMatchObject({ next: "task_2" });
    expect(definition.states.task_2).toMatchObject({ next: "task_3" });
    expect(definition.states.task_4).toMatchObject({ next: "task_5" });
    await page.locator("[data-testid=json-toggle]").click();
    // The pan to a new state may animate (d3 zooms out a little on the way): wait for it to settle.
    await expect.poll(zoom, { timeout: 10_000 }).toBeCloseTo(before, 2);
    await expect.poll(() => inView("task_5")).toBe(true);
    // The selection moved along: the last one added is the one being edited.
    expect(await page.locator("input[name=state-id]").inputValue()).toBe("task_5");

    await page.locator(".react-flow__controls-fitview").click();
    await page.locator(`[data-state-id="${first}"]`).click();
    await page.locator("[data-palette=compensation]").click();
    const withUndo = await definitionInJsonView(page);
    expect(withUndo.states[first]).toMatchObject({ next: "task_2", compensateWith: "undo_1" });
    const layout = withUndo.layout ?? {};
    expect(layout.undo_1?.x).toBe(layout[first]?.x);
    expect(layout.undo_1?.y).toBeGreaterThan(layout[first]?.y ?? Number.POSITIVE_INFINITY);
    expect(layout.undo_1?.y).toBeLessThan((layout[first]?.y ?? 0) + 200);
    await page.locator("[data-testid=json-toggle]").click();
    expect(pageErrors).toEqual([]);
  });

  it("opens a picker where a connection is dropped on empty canvas, and links the picked state", async () => {
    const handle = await page
      .locator('.react-flow__handle[data-nodeid="task_5"][data-handleid="next"]')
      .boundingBox();
    const canvas = await page.locator("[data-testid=canvas]").boundingBox();
    if (!handle || !canvas) throw new Error("no handle");
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    const drop = { x: Math.min(handle.x + 200, canvas.x + canvas.width - 260), y: handle.y + 180 };
    await page.mouse.move(drop.x, drop.y, { steps: 10 });
    await page.mouse.up();
    const picker = page.locator("[data-testid=state-picker]");
    await picker.waitFor();
    expect(await picker.locator("[data-pick=compensation]").count()).toBe(0);
    await picker.locator("[data-pick=succeed]").click();
    await expect.poll(() => picker.count()).toBe(0);
    const definition = await definitionInJsonView(page);
    expect(definition.states.task_5).toMatchObject({ next: "succeed_1" });
    expect(definition.states.succeed_1).toEqual({ type: "succeed" });
    await page.locator("[data-testid=json-toggle]").click();
    expect(pageErrors).toEqual([]);
  });
});

describe("opening a definition", () => {
  it.each(["db-migration", "order-saga"])(
    "opens %s at a readable zoom with its start in view",
    async (name) => {
      page.once("dialog", (dialog) => void dialog.accept()); // leaving an unsaved workflow asks
      await page.goto(`${server.url}/#/workflows/${name}`);
      await page.locator(".react-flow__node").first().waitFor();
      await page.waitForTimeout(300);
      expect(await zoom()).toBeGreaterThanOrEqual(0.75);
      const startAt = (await definitionInJsonView(page)).startAt;
      await page.locator("[data-testid=json-toggle]").click();
      await expect.poll(() => inView(startAt)).toBe(true);
    },
  );
});
