import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { startRun, waitForRunStatus } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17 item 11: axe-core in the page finds no serious or critical violation, in light and dark. */

let server: RunningServer;
let browser: Browser;
let runId: string;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  runId = await startRun(server.url, "order-saga", {
    orderId: "A-1",
    sku: "KB-75",
    quantity: 1,
    amount: 10,
    failAt: "ship_order",
  });
  await waitForRunStatus(server.url, runId, "compensated");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const PAGES: { name: string; path: () => string; ready: string }[] = [
  { name: "the workflow list", path: () => "/#/", ready: "[data-workflow=order-saga]" },
  { name: "the designer", path: () => "/#/workflows/order-saga", ready: "[data-state-id=charge_payment]" },
  { name: "the runs list", path: () => "/#/runs", ready: "[data-run-id]" },
  { name: "the run view", path: () => `/#/runs/${runId}`, ready: "[data-state-id=ship_order]" },
];

describe.each(["light", "dark"] as const)("in %s mode", (colorScheme) => {
  it.each(PAGES)("$name has no serious or critical axe violation", async ({ path, ready }) => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}${path()}`);
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(400); // validation and live updates settle
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("dark mode", () => {
  it("follows prefers-color-scheme until the toggle picks a theme, which a reload keeps", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: "dark" });
    const page = await context.newPage();
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    await page.goto(`${server.url}/#/`);
    await page.locator("[data-workflow=order-saga]").waitFor();
    expect(await theme()).toBe("dark");
    const background = () =>
      page.evaluate(() => getComputedStyle(document.querySelector("main") as Element).color);
    const darkText = await background();
    await page.locator("[data-testid=theme-toggle]").click();
    expect(await theme()).toBe("light");
    expect(await background()).not.toBe(darkText);
    await page.reload();
    await page.locator("[data-workflow=order-saga]").waitFor();
    expect(await theme()).toBe("light");
    await context.close();
  });
});
