import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { definitionInJsonView, focusCanvas } from "./support/designer";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17 item 10: find a state (Ctrl+K or /) and jump to it; a Choice's branches added from the inspector. */

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

describe("finding a state", () => {
  it("finds by id with Ctrl+K and by action with /, and selects the state picked", async () => {
    await page.goto(`${server.url}/#/workflows/order-saga`);
    await page.locator("[data-state-id=charge_payment]").waitFor();
    await focusCanvas(page);
    await page.keyboard.press("Control+k");
    await page.locator("[data-testid=state-search]").fill("ship");
    expect(await page.locator("[data-result]").first().getAttribute("data-result")).toBe("ship_order");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("input[name=state-id]").inputValue()).toBe("ship_order");
    expect(await page.locator("[data-testid=state-search]").count()).toBe(0);

    await focusCanvas(page);
    await page.keyboard.press("/");
    await page.locator("[data-testid=state-search]").fill("flaky");
    const ids = await page
      .locator("[data-result]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-result")));
    expect(ids).toContain("charge_payment");
    await page.keyboard.press("Escape");
    expect(await page.locator("[data-testid=state-search]").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe("a choice's branches from the inspector", () => {
  it("adds a branch with the Add branch button", async () => {
    await page.goto(`${server.url}/#/workflows/retry-loop`);
    await page.locator(".react-flow__node").first().waitFor();
    const choice = Object.entries((await definitionInJsonView(page)).states).find(
      ([, s]) => s.type === "choice",
    );
    if (!choice) throw new Error("retry-loop has no choice");
    const [id, before] = choice;
    await page.locator("[data-testid=json-toggle]").click();
    await page.keyboard.press("Control+k");
    await page.locator("[data-testid=state-search]").fill(id);
    await page.keyboard.press("Enter");
    await page.locator("button", { hasText: "+ Add branch" }).click();
    const after = (await definitionInJsonView(page)).states[id];
    const count = (s: unknown) => (s as { choices: unknown[] }).choices.length;
    expect(count(after)).toBe(count(before) + 1);
    expect(pageErrors).toEqual([]);
  });
});
