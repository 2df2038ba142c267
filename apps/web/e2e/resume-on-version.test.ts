import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { callApi, openRun, operate, startRun, waitForRunStatus, waitForStatus } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/**
 * Issue 16, the whole story on the real server: a run fails on a bug, the step is fixed in the designer
 * (saved as v2), the run view offers "Resume on v2 (latest)…" with the compatibility report, the run
 * succeeds on v2, and the timeline shows both versions.
 */

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

const trip = {
  name: "trip-fix",
  startAt: "book",
  states: {
    book: {
      type: "task",
      action: "transform",
      params: { value: { booking: "B-1" } },
      effect: "write",
      compensateWith: "unbook",
      next: "reserve_flight",
    },
    reserve_flight: {
      type: "task",
      action: "flaky",
      params: { failTimes: 99, error: "BadUrl", output: { flight: "F-9" } },
      retry: { maxAttempts: 1 },
      onError: "abort",
      next: "done",
    },
    done: { type: "succeed" },
    unbook: { type: "compensation", action: "transform", params: { value: "unbooked" } },
  },
};

describe("resume on a fixed version", () => {
  it("fails, is fixed in the designer, resumes on the latest after the report, and succeeds on v2", async () => {
    await callApi(server.url, "definitions.save", { definition: trip }, "mutation");
    const runId = await startRun(server.url, "trip-fix", {});
    await waitForRunStatus(server.url, runId, "failed");

    // The fix, in the designer: reserve_flight no longer fails.
    await page.goto(`${server.url}/#/workflows/trip-fix`);
    await page.locator("[data-state-id=reserve_flight]").click();
    const failTimes = page.locator("[data-testid=inspector] textarea[name=failTimes]");
    await failTimes.waitFor();
    await failTimes.fill("0");
    await page.locator("[data-testid=save]").click();
    await expect
      .poll(() => page.locator("[data-toast=success]").first().textContent())
      .toContain("Saved trip-fix v2");

    await openRun(page, server.url, runId);
    await waitForStatus(page, "failed");
    // The plain Resume says it stays on v1 and that v2 exists.
    await page.locator("[data-testid=operator-actions] [data-testid=resume]").click();
    await expect.poll(() => page.locator("[data-testid=confirm-dialog]").textContent()).toContain("(v1)");
    expect(await page.locator("[data-testid=newer-version-note]").textContent()).toContain("v2 exists");
    await page.keyboard.press("Escape");

    const move = page.locator("[data-testid=operator-actions] [data-testid=resume-latest]");
    await expect.poll(() => move.textContent()).toContain("Resume on v2 (latest)");
    await move.click();
    const report = page.locator("[data-testid=version-report]");
    await report.waitFor();
    expect(await report.locator("[data-testid=report-kept]").textContent()).toContain("book");
    expect(await report.locator("[data-testid=report-changed]").textContent()).toContain(
      "reserve_flight (params)",
    );
    expect(await report.locator("[data-testid=report-continue]").textContent()).toContain("reserve_flight");
    expect(await report.locator("[data-testid=report-compensations]").textContent()).toContain(
      "book → unbook",
    );
    await page.locator("[data-testid=confirm-dialog] [data-testid=confirm]").click();

    await waitForStatus(page, "succeeded");
    await page.locator("[data-testid=tab-events]").click();
    const events = page.locator("[data-testid=event-list]");
    // Both versions in the timeline: the start on v1, then the move's row, then the fixed step on v2.
    await expect.poll(() => events.textContent()).toContain("RunMovedToVersionv1 → v2");
    const text = (await events.textContent()) ?? "";
    expect(text).toContain("RunStartedtrip-fix v1");
    expect(text.indexOf("RunMovedToVersion")).toBeLessThan(text.lastIndexOf("StepSucceededreserve_flight"));
    expect(await page.locator("header [data-testid=run-versions]").textContent()).toBe("ran on v1 → v2");
    // The fixed step's attempts say which version each ran on.
    await page.locator("[data-state-id=reserve_flight]").click();
    const versions = page.locator("[data-testid=attempts] [data-testid=attempt-version]");
    await expect.poll(() => versions.allTextContents()).toEqual([" · on v1", " · on v2"]);
    const { run } = await callApi<{ run: { version: number } }>(server.url, "runs.get", { runId }, "query");
    expect(run.version).toBe(2);
    expect(pageErrors).toEqual([]);
  });

  it("offers Compensate now on an aborted run; the error strip names the cause and the undo's failure apart", async () => {
    const undoBreaks = {
      name: "undo-breaks",
      startAt: "book",
      states: {
        book: { ...trip.states.book, next: "charge" },
        charge: {
          type: "task",
          action: "flaky",
          params: { failTimes: 99, error: "CardDeclined", message: "card declined" },
          retry: { maxAttempts: 1 },
          onError: "abort",
          next: "done",
        },
        done: { type: "succeed" },
        unbook: {
          type: "compensation",
          action: "flaky",
          params: { failTimes: 99, error: "UndoDown", message: "booking service down" },
          retry: { maxAttempts: 1 },
        },
      },
    };
    await callApi(server.url, "definitions.save", { definition: undoBreaks }, "mutation");
    const runId = await startRun(server.url, "undo-breaks", {});
    await waitForRunStatus(server.url, runId, "failed");
    await openRun(page, server.url, runId);
    await waitForStatus(page, "failed");
    await operate(page, "compensate-now");
    await waitForStatus(page, "compensation_failed");
    const cause = page.locator("[data-testid=error-summary] [data-testid=run-cause]");
    const undo = page.locator("[data-testid=error-summary] [data-testid=compensation-failure]");
    await expect.poll(() => undo.textContent()).toContain("UndoDown");
    expect(await undo.textContent()).toContain("unbook could not undo book");
    expect(await cause.textContent()).toContain("CardDeclined: card declined");
    expect(await cause.textContent()).not.toContain("UndoDown");
    expect(pageErrors).toEqual([]);
  });
});
