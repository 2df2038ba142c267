import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { dropState, expectErrors } from "./support/designer";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17 items 6 and 7: problems in the designer's words; a workflow that can never finish is an error. */

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

const problems = () => page.locator("[data-testid=problems]").textContent();

describe("problems in the designer's words", () => {
  it("says what is missing the way the inspector names it", async () => {
    await page.goto(`${server.url}/#/new/words-flow`);
    await page.locator("[data-testid=canvas]").waitFor();
    await expect.poll(problems).toContain("No start state yet");

    await dropState(page, "task", { x: 200, y: 120 });
    await expect.poll(problems).toContain("pick its Next state, or tick “Ends the workflow”");
    await dropState(page, "choice", { x: 500, y: 120 });
    await expect.poll(problems).toContain("has no branches yet");
    const text = (await problems()) ?? "";
    for (const jsonWord of ['"next"', '"end": true', "Too small", "letters, digits", "condition 0"])
      expect(text).not.toContain(jsonWord);
    expect(pageErrors).toEqual([]);
  });
});

describe("a workflow that can never finish", () => {
  const deadLoop = {
    name: "dead-loop",
    startAt: "poll",
    states: {
      poll: { type: "task", action: "log", params: { message: "again" }, next: "pause" },
      pause: { type: "wait", duration: "1s", next: "poll" },
    },
  };

  it("is refused by the API with missing-end-state", async () => {
    const response = await fetch(`${server.url}/trpc/definitions.save`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ definition: deadLoop }),
    });
    expect(response.ok).toBe(false);
    expect(await response.text()).toContain("missing-end-state");
  });

  it("is an error in the designer, explained in its words", async () => {
    await page.goto(`${server.url}/#/new/dead-loop`);
    await page.locator("[data-testid=canvas]").waitFor();
    await page.locator("[data-testid=json-toggle]").click();
    await page.locator("textarea[aria-label='Definition JSON']").fill(JSON.stringify(deadLoop, null, 2));
    await page.locator("[data-state-id=pause]").waitFor();
    await expectErrors(page, 1);
    await expect.poll(problems).toContain("can never finish");
    expect(pageErrors).toEqual([]);
  });
});
