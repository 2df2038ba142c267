import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { startRun, waitForRunStatus } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17 item 9: at 1024×700 the canvas keeps room with the JSON view open, and nothing covers the zoom controls. */

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const overlap = (
  a: { x: number; y: number; width: number; height: number } | null,
  b: { x: number; y: number; width: number; height: number } | null,
) =>
  Boolean(
    a && b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height,
  );

describe("a small screen", () => {
  it("keeps a usable canvas with the JSON view open, the palette as icons, and no minimap over the controls", async () => {
    await page.goto(`${server.url}/#/workflows/db-migration`);
    await page.locator("[data-state-id=backup_database]").waitFor();
    await page.locator("[data-testid=json-toggle]").click();
    await page.locator("[data-testid=json-view]").waitFor();
    const canvas = await page.locator("[data-testid=canvas]").boundingBox();
    expect(canvas?.width ?? 0).toBeGreaterThanOrEqual(300);
    // The palette's names stay for screen readers and tooltips.
    expect(await page.locator("[data-palette=task]").textContent()).toContain("Task");
    const controls = await page.locator(".react-flow__controls").boundingBox();
    const minimap = page.locator(".react-flow__minimap");
    const minimapBox = (await minimap.isVisible()) ? await minimap.boundingBox() : null;
    expect(overlap(controls, minimapBox)).toBe(false);

    // The inspector folds away for more canvas, and comes back.
    await page.locator("[data-testid=inspector-toggle]").click();
    expect(await page.locator("[data-testid=inspector]").count()).toBe(0);
    const wider = await page.locator("[data-testid=canvas]").boundingBox();
    // The JSON view, squeezed while both were open, takes back part of the room.
    expect(wider?.width ?? 0).toBeGreaterThan((canvas?.width ?? 0) + 200);
    await page.locator("[data-testid=inspector-toggle]").click();
    await page.locator("[data-testid=inspector]").waitFor();
    expect(pageErrors).toEqual([]);
  });
});

describe("the minimap in the run view", () => {
  it("covers no state once the run is fitted in view", async () => {
    const runId = await startRun(server.url, "order-saga", {
      orderId: "A-7",
      sku: "KB-75",
      quantity: 1,
      amount: 10,
      failAt: "ship_order",
    });
    await waitForRunStatus(server.url, runId, "compensated");
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${server.url}/#/runs/${runId}`);
    await page.locator("[data-state-id=ship_order]").waitFor();
    await page.waitForTimeout(500);
    const minimap = await page.locator(".react-flow__minimap").boundingBox();
    expect(minimap).not.toBeNull();
    const nodes = await page.locator(".react-flow__node").evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    expect(nodes.length).toBeGreaterThan(3);
    for (const node of nodes) expect(overlap(node, minimap)).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
