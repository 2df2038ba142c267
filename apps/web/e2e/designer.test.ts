import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import {
  closeJsonView,
  connect,
  definitionInJsonView,
  dropState,
  expectErrors,
  expectLayoutClose,
  focusCanvas,
  markerOf,
} from "./support/designer";
import { type RunningServer, startServer } from "./support/server";

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("designing a workflow, as a new user would", () => {
  it("creates, connects, validates, lays out, undoes, saves and reloads it identical", async () => {
    await page.goto(server.url);
    await page.locator("[data-testid=new-workflow-button]").click();
    await page.locator("input[name=workflow-name]").fill("order-flow");
    await page.keyboard.press("Enter");
    await page.locator("[data-testid=canvas]").waitFor();
    expect(page.url()).toContain("#/new/order-flow");

    // A task with nowhere to go is an error, marked on its node.
    const charge = await dropState(page, "task", { x: 140, y: 70 });
    expect(charge).toBe("task_1");
    await expectErrors(page, 1);
    expect(await markerOf(page, charge)).toBe("error");

    const ship = await dropState(page, "task", { x: 430, y: 70 });
    const decide = await dropState(page, "choice", { x: 720, y: 70 });
    const refund = await dropState(page, "compensation", { x: 140, y: 240 });
    const done = await dropState(page, "succeed", { x: 430, y: 240 });
    const failed = await dropState(page, "fail", { x: 720, y: 240 });
    expect(await page.locator(".react-flow__node").count()).toBe(6);

    await connect(page, charge, "next", ship);
    await connect(page, ship, "next", decide);
    // The choice gets two branches and an otherwise.
    await connect(page, decide, "choice", done);
    await connect(page, decide, "choice", failed);
    await connect(page, decide, "otherwise", done);

    // A compensation link to a plain task is refused, with a hint saying why.
    await connect(page, charge, "compensation", ship);
    await expect.poll(() => page.locator("[data-testid=hint]").textContent()).toContain("compensation state");
    await connect(page, charge, "compensation", refund, "compensation");

    // Every state now has a way out: the error is gone, from the count and from the node.
    await expectErrors(page, 0);
    expect(await markerOf(page, charge)).toBeNull();
    expect(await page.locator(".react-flow__edge").count()).toBe(6);
    const drawn = await definitionInJsonView(page);
    expect(drawn.startAt).toBe(charge);
    expect(drawn.states[charge]).toMatchObject({ type: "task", next: ship, compensateWith: refund });
    expect(drawn.states[decide]).toMatchObject({
      type: "choice",
      choices: [{ next: done }, { next: failed }],
      otherwise: done,
    });
    await closeJsonView(page);

    // Auto-layout moves the states; undo puts them back, redo lays them out again.
    await page.locator("[data-testid=layout]").click();
    await page.waitForTimeout(500);
    const laidOut = await definitionInJsonView(page);
    expect(laidOut.layout?.[ship]?.x).toBeGreaterThan(
      laidOut.layout?.[charge]?.x ?? Number.POSITIVE_INFINITY,
    );
    expect(laidOut.layout?.[decide]?.x).toBeGreaterThan(
      laidOut.layout?.[ship]?.x ?? Number.POSITIVE_INFINITY,
    );
    expect(laidOut.layout?.[refund]?.y).toBeGreaterThan(
      laidOut.layout?.[charge]?.y ?? Number.POSITIVE_INFINITY,
    );
    expect(laidOut.layout).not.toEqual(drawn.layout);

    await focusCanvas(page);
    await page.keyboard.press("Control+z");
    expectLayoutClose((await definitionInJsonView(page)).layout, drawn.layout);
    await focusCanvas(page);
    await page.keyboard.press("Control+Shift+z");
    const redone = await definitionInJsonView(page);
    expectLayoutClose(redone.layout, laidOut.layout);
    await closeJsonView(page);

    // Save makes version 1; the page now shows the stored workflow.
    await page.locator("[data-testid=save]").click();
    await expect
      .poll(() => page.locator("[data-toast=success]").first().textContent())
      .toContain("Saved order-flow v1");
    await expect.poll(() => page.url()).toContain("#/workflows/order-flow");
    await page.locator("[data-testid=clean]").waitFor();

    await page.reload();
    await page.locator("[data-testid=canvas] .react-flow__node").first().waitFor();
    expect(await page.locator(".react-flow__node").count()).toBe(6);
    expect(await page.locator(".react-flow__edge").count()).toBe(6);
    const reloaded = await definitionInJsonView(page);
    expect(reloaded).toEqual(redone);
    await expectErrors(page, 0);
    expect(pageErrors).toEqual([]);
  });
});
