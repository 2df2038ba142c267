import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import {
  closeJsonView,
  connect,
  definitionInJsonView,
  dropState,
  dropStateInto,
  expectErrors,
  expectLayoutClose,
  focusCanvas,
  markerOf,
  viewAtRest,
} from "./support/designer";
import { type RunningServer, startServer } from "./support/server";

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

// A page of its own per test: one that fails half-way leaves unsaved changes, and the next test's
// navigation was then refused by the "unsaved changes" question, so it drew on the old workflow.
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterEach(async () => {
  await page?.close();
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
    await expect.poll(() => markerOf(page, charge)).toBe("error");

    // The problems panel names it; a click there selects the state.
    await page.locator("[data-testid=canvas] .react-flow__pane").click({ position: { x: 600, y: 300 } });
    await page.locator("[data-problem]").first().click();
    expect(await page.locator("input[name=state-id]").inputValue()).toBe(charge);
    // It also glides the view onto the state (zoomed in): the next states are placed in the view it ends in.
    await viewAtRest(page);

    const ship = await dropState(page, "task", { x: 440, y: 70 });
    const decide = await dropState(page, "choice", { x: 740, y: 70 });
    const refund = await dropState(page, "compensation", { x: 140, y: 240 });
    const done = await dropState(page, "succeed", { x: 440, y: 240 });
    const failed = await dropState(page, "fail", { x: 740, y: 240 });
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
    await expect.poll(() => markerOf(page, charge)).toBeNull();
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

    // A branch's label is its handle on the condition: click it, rename it, the canvas follows.
    await page.locator(`[data-edge-label="${decide}:choice:1"]`).click();
    await page.locator("[data-testid=edge-inspector]").waitFor();
    await page.locator("[data-testid=edge-inspector] input").first().fill("declined");
    await expect
      .poll(() => page.locator(`[data-edge-label="${decide}:choice:1"]`).textContent())
      .toContain("declined");
    await page.locator("[data-testid=edge-inspector] input").first().fill("");
    await focusCanvas(page);

    // Auto-layout moves the states; undo puts them back, redo lays them out again.
    await page.locator("[data-testid=layout]").click();
    // ELK loads on the first layout: wait for the states to move.
    await expect
      .poll(async () => JSON.stringify((await definitionInJsonView(page)).layout), { timeout: 15_000 })
      .not.toBe(JSON.stringify(drawn.layout));
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
    // Nodes appear as the view fits them (only what is visible is rendered).
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(6);
    await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(6);
    const reloaded = await definitionInJsonView(page);
    expect(reloaded).toEqual(redone);
    await expectErrors(page, 0);
    expect(pageErrors).toEqual([]);
  });
});

describe("containers, the JSON view and the keyboard", () => {
  it("drops states into a parallel branch, edits through JSON (invalid text kept), copies, pastes and deletes", async () => {
    await page.goto(`${server.url}/#/new/fan-flow`);
    await page.locator("[data-testid=canvas]").waitFor();
    const parallel = await dropState(page, "parallel", { x: 300, y: 150 });
    const inner = await dropStateInto(page, "task", `${parallel}.branch_1`);
    let definition = await definitionInJsonView(page);
    const state = definition.states[parallel];
    expect(state?.type === "parallel" && state.branches.branch_1).toMatchObject({
      startAt: inner,
      states: { [inner]: { type: "task" } },
    });

    // Text that is not JSON stays, with its error; the canvas keeps its last good state.
    const textarea = page.locator("textarea[aria-label='Definition JSON']");
    const good = await textarea.inputValue();
    await textarea.fill(`${good.slice(0, -3)} oops`);
    await page.locator("[data-testid=json-error]").waitFor();
    expect(await textarea.inputValue()).toContain("oops");
    expect(await page.locator(".react-flow__node").count()).toBe(4); // parallel, two lanes, the task

    // Valid JSON drives the canvas: a renamed state shows up under its new name.
    await textarea.fill(good.replaceAll(`"${inner}"`, '"charge_card"'));
    await page.locator("[data-state-id=charge_card]").waitFor();
    expect(await page.locator("[data-testid=json-error]").count()).toBe(0);
    await closeJsonView(page);

    // Copy and paste a state, then delete the copy with the keyboard; undo brings it back.
    await page.locator("[data-state-id=charge_card]").click();
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    await page.locator("[data-state-id=charge_card_copy_1]").waitFor();
    await page.keyboard.press("Delete");
    await expect.poll(() => page.locator("[data-state-id=charge_card_copy_1]").count()).toBe(0);
    await page.keyboard.press("Control+z");
    await page.locator("[data-state-id=charge_card_copy_1]").waitFor();
    definition = await definitionInJsonView(page);
    const branch =
      definition.states[parallel]?.type === "parallel"
        ? definition.states[parallel].branches.branch_1
        : undefined;
    expect(Object.keys(branch?.states ?? {})).toEqual(["charge_card", "charge_card_copy_1"]);
    await closeJsonView(page);

    // The help overlay lists the shortcuts.
    await focusCanvas(page);
    await page.keyboard.press("?");
    expect(await page.locator("[data-testid=help]").textContent()).toContain("Auto-layout");
    await page.keyboard.press("Escape");
    expect(pageErrors).toEqual([]);
  });
});

describe("the workflow list and versions", () => {
  it("imports a file, searches, duplicates, archives, and lists versions after a second save", async () => {
    await page.goto(server.url);
    await page.locator("[data-workflow=db-migration]").waitFor();
    const json = JSON.stringify({
      name: "imported-flow",
      title: "Imported flow",
      startAt: "hello",
      states: { hello: { type: "task", action: "log", params: { message: "hi" }, end: true } },
    });
    await page
      .locator("[data-testid=import-file]")
      .setInputFiles({ name: "imported-flow.json", mimeType: "application/json", buffer: Buffer.from(json) });
    await expect.poll(() => page.url()).toContain("#/workflows/imported-flow");
    await page.locator("[data-state-id=hello]").waitFor();

    // A second save makes version 2; both are listed, and the old one opens.
    await page.locator("[data-state-id=hello]").click();
    await page.locator("input[name=state-id]").fill("greet");
    await page.keyboard.press("Enter");
    await page.locator("[data-testid=dirty]").waitFor();
    await page.locator("[data-testid=save]").click();
    await expect.poll(() => page.locator("[data-toast=success]").last().textContent()).toContain("v2");
    await page.locator("[data-testid=versions]").click();
    const menu = page.locator("[data-testid=versions-menu]");
    // One entry per version (each older one also has a Compare button).
    await expect.poll(() => menu.locator("button:not([data-testid^=compare])").count()).toBe(2);
    await menu.locator("button", { hasText: "v1" }).click();
    await page.locator("[data-state-id=hello]").waitFor();

    // Export downloads the definition as a JSON file.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("[data-testid=export]").click(),
    ]);
    expect(download.suggestedFilename()).toBe("imported-flow.json");
    const exported = JSON.parse(readFileSync(await download.path(), "utf8")) as {
      states: Record<string, unknown>;
    };
    expect(Object.keys(exported.states)).toEqual(["hello"]);

    await page.locator("button[title='All workflows']").click();
    await page.locator("input[aria-label='Search workflows']").fill("import");
    await expect.poll(() => page.locator("[data-workflow]").count()).toBe(1);
    await page.locator("[data-workflow=imported-flow] button", { hasText: "Duplicate" }).click();
    await page.locator("[data-workflow=imported-flow-copy]").waitFor();

    page.once("dialog", (dialog) => void dialog.accept());
    await page.locator("[data-workflow=imported-flow-copy] button", { hasText: "Archive" }).click();
    await expect.poll(() => page.locator("[data-workflow=imported-flow-copy]").count()).toBe(0);
    await page.getByLabel("Show archived").check();
    await page.locator("[data-workflow=imported-flow-copy]", { hasText: "archived" }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("warns before leaving a workflow with unsaved changes", async () => {
    await page.goto(`${server.url}/#/workflows/imported-flow`);
    await page.locator("[data-state-id=greet]").waitFor();
    await dropState(page, "succeed", { x: 600, y: 300 });
    await page.locator("[data-testid=dirty]").waitFor();
    let asked = "";
    page.once("dialog", (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.locator("button[title='All workflows']").click();
    await expect.poll(() => asked).toContain("unsaved changes");
    expect(page.url()).toContain("#/workflows/imported-flow");
  });
});

describe("dropping while the view glides", () => {
  it("leaves the state where it was dropped: the drop stops the glide", async () => {
    await page.goto(`${server.url}/#/new/glide-flow`);
    await page.locator("[data-testid=canvas]").waitFor();
    await dropState(page, "task", { x: 140, y: 70 });
    const pane = await page.locator("[data-testid=canvas] .react-flow__pane").boundingBox();
    if (!pane) throw new Error("no pane");
    const at = { x: pane.x + 600, y: pane.y + 420 };
    // Shift+F glides the view onto the task for 300 ms; the drop comes two frames in, as a quick user's
    // would (dispatched in the page: Playwright's own drag takes longer than the glide).
    await page.evaluate(
      ({ x, y, mime }) =>
        new Promise<void>((resolve) => {
          window.dispatchEvent(new KeyboardEvent("keydown", { key: "F", shiftKey: true }));
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const dataTransfer = new DataTransfer();
              dataTransfer.setData(mime, "succeed");
              const drop = new DragEvent("drop", {
                bubbles: true,
                cancelable: true,
                clientX: x,
                clientY: y,
                dataTransfer,
              });
              document.querySelector("[data-testid=canvas] .react-flow__pane")?.dispatchEvent(drop);
              resolve();
            }),
          );
        }),
      { ...at, mime: "application/x-sagaflow-state" },
    );
    await viewAtRest(page);
    const card = await page.locator("[data-state-id=succeed_1]").boundingBox();
    if (!card) throw new Error("succeed_1 not drawn");
    // Still under the cursor (a glide left running carried it ~300 px away).
    expect(at.x).toBeGreaterThan(card.x);
    expect(at.x).toBeLessThan(card.x + card.width);
    expect(at.y).toBeGreaterThan(card.y);
    expect(at.y).toBeLessThan(card.y + card.height);
    expect(pageErrors).toEqual([]);
  });
});
