import type { ActionCatalog } from "@sagaflow/shared";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { definitionInJsonView, dropState } from "./support/designer";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17, items 1–3: the params form of every action, expressions in typed fields, switching actions. */

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = collectPageErrors(page);
  // Each test opens another workflow; leaving the last one's unsaved edits asks first: leave.
  page.on("dialog", (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function catalog(): Promise<ActionCatalog> {
  const response = await fetch(`${server.url}/trpc/actions.catalog`);
  return ((await response.json()) as { result: { data: ActionCatalog } }).result.data;
}

const inspector = () => page.locator("[data-testid=inspector]");

describe("the params form", () => {
  it("has an editor for every param of every action in the catalog, inside the panel", async () => {
    await page.goto(`${server.url}/#/new/params-flow`);
    await page.locator("[data-testid=canvas]").waitFor();
    await dropState(page, "task", { x: 200, y: 120 });
    const actions = Object.values(await catalog());
    expect(actions.length).toBeGreaterThan(5);
    for (const action of actions) {
      await inspector().locator("select[name=action]").selectOption(action.name);
      // Every param gets a labelled input, and nothing says "Unsupported".
      await expect.poll(() => inspector().textContent()).not.toContain("Unsupported");
      const width = await inspector().evaluate((el) => [el.scrollWidth, el.clientWidth]);
      expect(width[0], `${action.name} fits the panel`).toBeLessThanOrEqual(width[1] ?? 0);
      for (const param of Object.keys((action.params.properties ?? {}) as object)) {
        const inputs = inspector().locator(`.sf-rjsf [id$="${param}"], .sf-rjsf [name="${param}"]`);
        expect(await inputs.count(), `${action.name}.${param} has an input`).toBeGreaterThan(0);
      }
    }

    // transform.value takes any JSON or an expression.
    await inspector().locator("select[name=action]").selectOption("transform");
    const value = inspector().locator("textarea[name=value]");
    await value.fill('{"total": 42, "items": ["a"]}');
    await expect
      .poll(async () => (await definitionInJsonView(page)).states.task_1)
      .toMatchObject({ action: "transform", params: { value: { total: 42, items: ["a"] } } });
    await page.locator("[data-testid=json-toggle]").click();
    await value.fill("{% $input.total * 2 %}");
    await expect
      .poll(async () => (await definitionInJsonView(page)).states.task_1)
      .toMatchObject({ params: { value: "{% $input.total * 2 %}" } });
    await page.locator("[data-testid=json-toggle]").click();
    // Text that is neither JSON nor an expression is kept in the box, with a hint how to write it.
    await value.fill("hello");
    await expect.poll(() => inspector().textContent()).toContain("Not JSON");
    expect(await value.inputValue()).toBe("hello");
    expect(pageErrors).toEqual([]);
  });

  it("shows and edits an expression held by a number or boolean param", async () => {
    await page.goto(`${server.url}/#/workflows/order-saga`);
    await page.locator("[data-state-id=charge_payment]").click();
    const failTimes = inspector().locator("textarea[name=failTimes]");
    await failTimes.waitFor();
    expect(await failTimes.inputValue()).toMatch(/^\{%.*%\}$/s);
    await failTimes.fill("{% 3 %}");
    await failTimes.fill("2");
    await expect
      .poll(async () => (await definitionInJsonView(page)).states.charge_payment)
      .toMatchObject({ params: { failTimes: 2 } });
    await page.locator("[data-testid=json-toggle]").click();
    await failTimes.fill("2.5");
    await expect.poll(() => inspector().textContent()).toContain("whole number");
    expect(pageErrors).toEqual([]);
  });
});

describe("switching a task's action", () => {
  it("pre-fills the new action's required params and offers to drop the old ones", async () => {
    await page.goto(`${server.url}/#/new/switch-flow`);
    await page.locator("[data-testid=canvas]").waitFor();
    const id = await dropState(page, "task", { x: 200, y: 120 });
    await inspector().locator("select[name=action]").selectOption("transform");
    const offer = page.locator("[data-testid=carried-params]");
    expect(await offer.textContent()).toContain("message");
    expect(await offer.textContent()).toContain("not a param of transform");
    await offer.locator("button", { hasText: "Drop them" }).click();
    await expect
      .poll(async () => (await definitionInJsonView(page)).states[id])
      .toEqual({ type: "task", action: "transform", params: { value: "{% $input %}" } });
    await page.locator("[data-testid=json-toggle]").click();

    // To assert: "message" fits by name, but is still offered, since it was the log line.
    const other = await dropState(page, "task", { x: 200, y: 320 });
    await inspector().locator("select[name=action]").selectOption("assert");
    expect(await offer.textContent()).toContain("Kept from log");
    await offer.locator("button", { hasText: "Drop them" }).click();
    const state = (await definitionInJsonView(page)).states[other];
    expect(state).toMatchObject({ action: "assert", params: { that: expect.any(String) } });
    expect(JSON.stringify(state)).not.toContain("message");
    expect(pageErrors).toEqual([]);
  });
});
