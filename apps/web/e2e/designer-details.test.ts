import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { definitionInJsonView, dropState } from "./support/designer";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17 item 8: the small things (name slug, empty title, toasts, Run with unsaved edits, panels, JSON view). */

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

describe("the small things", () => {
  it("makes a slug of a typed name, and saves no empty title", async () => {
    await page.goto(server.url);
    await page.locator("[data-testid=new-workflow-button]").click();
    await page.locator("input[name=workflow-name]").pressSequentially("Trip booking");
    expect(await page.locator("input[name=workflow-name]").inputValue()).toBe("trip-booking");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toContain("#/new/trip-booking");

    const title = page.getByLabel("Title");
    await title.fill("Trip");
    await title.fill("");
    const definition = await definitionInJsonView(page);
    expect(definition).not.toHaveProperty("title");
    expect(definition.name).toBe("trip-booking");
    await page.locator("[data-testid=json-toggle]").click();
  });

  it("replaces a stale 'Not saved' by 'Saved', and a toast closes", async () => {
    const task = await dropState(page, "task", { x: 200, y: 150 });
    await page.locator("[data-testid=save]").click();
    await expect.poll(() => page.locator("[data-toast=error]").count()).toBe(1);
    await page.getByLabel("Ends the workflow").check();
    await page.locator("[data-testid=save]").click();
    await expect
      .poll(() => page.locator("[data-toast=success]").textContent())
      .toContain("Saved trip-booking v1");
    expect(await page.locator("[data-toast=error]").count()).toBe(0);
    // Toasts sit clear of the inspector.
    const toastBox = await page.locator("[data-toast=success]").boundingBox();
    const inspector = await page.locator("[data-testid=inspector]").boundingBox();
    expect((toastBox?.x ?? 0) + (toastBox?.width ?? 0)).toBeLessThan(inspector?.x ?? 0);
    await page.locator("[data-toast=success] [data-testid=toast-close]").click();
    expect(await page.locator("[data-toast]").count()).toBe(0);
    expect(task).toBe("task_1");
  });

  it("asks to save before running unsaved changes, then runs the new version", async () => {
    await page.locator("[data-state-id=task_1]").click();
    await page.getByLabel("Comment").fill("changed");
    await page.locator("[data-testid=dirty]").waitFor();
    let asked = "";
    page.once("dialog", (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.locator("[data-testid=start-run]").click();
    await expect.poll(() => asked).toContain("unsaved changes");
    await page.locator("[data-testid=start-run-dialog]").waitFor();
    await page.locator("[data-testid=clean]").waitFor();
    expect(await page.locator("[data-testid=start-run-dialog]").textContent()).toContain("v2");
    await page.locator("[data-testid=start-run-dialog] button", { hasText: "Cancel" }).click();
  });

  it("places a state typed into the JSON view beside the others, and keeps the problems panel small", async () => {
    const textarea = page.locator("textarea[aria-label='Definition JSON']");
    await page.locator("[data-testid=json-toggle]").click();
    const current = JSON.parse(await textarea.inputValue());
    current.states.extra = { type: "succeed" };
    await textarea.fill(JSON.stringify(current, null, 2));
    await page.waitForTimeout(300);
    await page.locator("[data-testid=json-toggle]").click();
    const placed = await definitionInJsonView(page); // opened again: written from the canvas
    const extra = placed.layout?.extra;
    const first = placed.layout?.task_1;
    expect(extra?.x).toBeGreaterThan((first?.x ?? 0) + 200);
    await page.locator("[data-testid=json-toggle]").click();
    const problems = await page.locator("[data-testid=problems]").boundingBox();
    expect(problems?.height ?? 0).toBeLessThanOrEqual(176);
    expect(pageErrors).toEqual([]);
  });
});
