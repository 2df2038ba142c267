import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { callApi } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/** Issue 16: Compare two versions on the canvas, reached from the designer's versions menu. */

const screenshots = join(import.meta.dirname, "../../../docs/screenshots");
let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const v1 = {
  name: "compare-trip",
  startAt: "book",
  states: {
    book: {
      type: "task",
      action: "transform",
      params: { value: 1 },
      compensateWith: "unbook",
      next: "reserve",
    },
    reserve: { type: "task", action: "flaky", params: { failTimes: 99 }, next: "notify" },
    notify: { type: "task", action: "log", params: { message: "booked" }, next: "done" },
    done: { type: "succeed" },
    unbook: { type: "compensation", action: "transform", params: { value: "undone" } },
  },
};
/** v2: reserve fixed (params, retry), notify removed, audit added between reserve and done. */
const v2 = {
  ...v1,
  states: {
    book: v1.states.book,
    reserve: { ...v1.states.reserve, params: { failTimes: 0 }, retry: { maxAttempts: 3 }, next: "audit" },
    audit: { type: "task", action: "log", params: { message: "audited" }, next: "done" },
    done: v1.states.done,
    unbook: v1.states.unbook,
  },
};

const outline = (stateId: string) =>
  page
    .locator(`[data-testid=compare-canvas] .react-flow__node[data-id="${stateId}"]`)
    .evaluate((el) => getComputedStyle(el).outlineColor);

describe("Compare versions", () => {
  it("colours added, removed and changed states and edges, lists the changed fields", async () => {
    await callApi(server.url, "definitions.save", { definition: v1 }, "mutation");
    await callApi(server.url, "definitions.save", { definition: v2 }, "mutation");

    await page.goto(`${server.url}/#/workflows/compare-trip`);
    await page.locator("[data-testid=versions]").click();
    await page.locator("[data-testid=compare-v1]").click();
    await expect.poll(() => page.url()).toContain("#/compare/compare-trip?a=1&b=2");
    const list = page.locator("[data-testid=compare-list]");
    await list.waitFor();
    expect(await list.locator("h1").textContent()).toBe("compare-trip: v1 → v2");
    expect(await list.locator("[data-state=reserve]").textContent()).toContain(
      "changed reserve: next, params, retry",
    );
    expect(await list.locator("[data-state=audit]").getAttribute("data-state-change")).toBe("added");
    expect(await list.locator("[data-state=notify]").getAttribute("data-state-change")).toBe("removed");
    expect(await list.locator("[data-state=book]").count()).toBe(0);

    await page.locator('[data-testid=compare-canvas] .react-flow__node[data-id="audit"]').waitFor();
    expect(await outline("audit")).toBe("rgb(22, 163, 74)");
    expect(await outline("notify")).toBe("rgb(220, 38, 38)");
    expect(await outline("reserve")).toBe("rgb(217, 119, 6)");
    expect(await outline("book")).not.toBe("rgb(217, 119, 6)");
    const added = page
      .locator('[data-testid=compare-canvas] .react-flow__edge[data-id="reserve:next"] path')
      .first();
    expect(await added.evaluate((el) => getComputedStyle(el).stroke)).toBe("rgb(22, 163, 74)");

    await page.screenshot({ path: join(screenshots, "compare-versions.png") });

    // An older version says it is one, read-only, and leads to the latest or the comparison.
    await page.goto(`${server.url}/#/workflows/compare-trip?version=1`);
    const banner = page.locator("[data-testid=old-version-banner]");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("v1 of 2, read-only");
    await banner.locator("button", { hasText: "Compare with v2" }).click();
    await expect.poll(() => page.url()).toContain("#/compare/compare-trip?a=1&b=2");
    await page.goto(`${server.url}/#/workflows/compare-trip`);
    await page.locator("[data-testid=canvas]").waitFor();
    expect(await page.locator("[data-testid=old-version-banner]").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
