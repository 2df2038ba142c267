import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoDatabase } from "../../../examples/db-migration/setup";
import { collectPageErrors, launchBrowser } from "./support/browser";
import {
  callApi,
  openRun,
  operate,
  phaseOf,
  runStatus,
  startRun,
  waitForPhase,
  waitForRunStatus,
  waitForStatus,
} from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/**
 * Run mode against the real `sagaflow serve`: runs started from the editor and the API, watched live on
 * the canvas, and moved on with the operator buttons.
 */

const examples = join(import.meta.dirname, "../../../examples/db-migration");
const migration = (name: "good" | "bad") =>
  JSON.parse(readFileSync(join(examples, `${name}-migration.json`), "utf8")) as Record<string, unknown>;

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let dataDir: string;

beforeAll(async () => {
  server = await startServer();
  dataDir = dirname(server.dbPath);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Records every change of a node's run phase in the page, in order, as `stateId:phase`. */
async function recordPhases(target: Page) {
  // A string, not a function: tsx's helpers (e.g. __name) do not exist in the page.
  await target.evaluate(`(() => {
    window.__phases = [];
    const seen = (el) => {
      const phase = el.getAttribute("data-run-phase");
      if (phase) window.__phases.push(el.getAttribute("data-state-id") + ":" + phase);
    };
    new MutationObserver((records) => {
      for (const r of records) if (r.target instanceof Element && r.target.hasAttribute("data-state-id")) seen(r.target);
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-run-phase"] });
  })()`);
}
const phasesSeen = (target: Page) => target.evaluate("window.__phases") as Promise<string[]>;

describe("run mode", () => {
  it("starts retry-loop from the editor with a form from its inputSchema and shows each node change live", async () => {
    await page.goto(`${server.url}/#/workflows/retry-loop`);
    await page.locator("[data-testid=start-run]").click();
    await page.locator("[data-testid=start-run-dialog]").waitFor();
    await page.locator("#root_pollsNeeded").fill("4");
    await page.locator("[data-testid=start-run-confirm]").click();
    await page.locator("[data-testid=run-view]").waitFor();
    await page.waitForURL(/#\/runs\/[0-9A-Z]+$/);
    await recordPhases(page);

    await waitForStatus(page, "succeeded", 30_000);
    await waitForPhase(page, "job_done", "succeeded");
    const seen = await phasesSeen(page);
    // The loop went round while we watched: the poll became active and succeeded again, the wait waited.
    expect(seen.filter((p) => p === "poll_job:active").length).toBeGreaterThanOrEqual(2);
    expect(seen).toContain("wait_before_polling:waiting");
    expect(seen.indexOf("job_done:succeeded")).toBeGreaterThan(seen.lastIndexOf("poll_job:active"));
    // Each poll failed once and was retried: the node counts its attempts, the path is drawn.
    expect(await page.locator('[data-state-id="poll_job"]').textContent()).toMatch(/8 attempts/);
    expect(await page.locator('[data-edge-label="check_done:choice:0"]').count()).toBe(1);
    await page.locator('[data-state-id="poll_job"]').click();
    await expect.poll(() => page.locator("[data-testid=attempts] li").count()).toBe(8);
    expect(await page.locator("[data-testid=attempts]").textContent()).toContain("JobServiceUnavailable");
    await page.locator("[data-testid=tab-format]").click();
    expect(await page.locator("[data-testid=state-format]").textContent()).toMatch(/Workflow: retry-loop v1/);
    expect(pageErrors).toEqual([]);
  });

  it("shows a bad db-migration: the failed node, the numbered compensation trace and `compensated`", async () => {
    const database = join(dataDir, "demo.db");
    createDemoDatabase(database);
    const runId = await startRun(server.url, "db-migration", { ...migration("bad"), database });
    await openRun(page, server.url, runId);
    await waitForStatus(page, "compensated");

    await waitForPhase(page, "validate_data", "failed");
    expect(await phaseOf(page, "apply_migration")).toBe("compensated");
    expect(await phaseOf(page, "restore_backup")).toBe("compensated");
    expect(await phaseOf(page, "backup_database")).toBe("succeeded");
    expect(await phaseOf(page, "cleanup_backup")).toBeNull(); // never reached: dimmed
    // The compensation link carries its place in the trace; the summary lists the trace in order.
    expect(await page.locator('[data-edge-label="apply_migration:compensation"]').textContent()).toBe("1");
    const trace = page.locator("[data-testid=compensation-trace] [data-compensation-order]");
    expect(await trace.count()).toBe(1);
    expect(await trace.first().getAttribute("data-compensation-status")).toBe("succeeded");
    expect(await trace.first().textContent()).toContain("apply_migration ↩ restore_backup");

    await page.locator('[data-state-id="validate_data"]').click();
    const error = page.locator("[data-testid=step-inspector] [data-testid=step-error]");
    expect(await error.textContent()).toContain("ValidationError");
    expect(await error.textContent()).toContain("2 foreign key violations");
    expect(await page.locator("[data-testid=step-inspector]").textContent()).toContain(
      `${runId}:validate_data:1`,
    );

    // The timeline: a click on an event selects its state; the Gantt has a row per step and compensation.
    await page.locator("[data-testid=tab-events]").click();
    await page.locator('[data-event-type="CompensationStepSucceeded"]').click();
    await page.locator('[data-testid=step-inspector][data-state="restore_backup"]').waitFor();
    await page.locator("[data-testid=tab-gantt]").click();
    expect(await page.locator("[data-gantt-row]").count()).toBe(4);
    await page.locator('[data-gantt-row="apply_migration"] [data-gantt-bar]').first().click();
    await page.locator('[data-testid=step-inspector][data-state="apply_migration"]').waitFor();
    expect(await page.locator("[data-testid=compensation-record]").textContent()).toContain("succeeded");
    expect(pageErrors).toEqual([]);
  });

  it("badges a run waiting for approval on the runs page, approves it from its button, and sees it finish", async () => {
    const runId = await startRun(server.url, "approval", {
      change: "raise the rate limit",
      requestedBy: "ana",
    });
    await waitForRunStatus(server.url, runId, "waiting");
    await page.goto(`${server.url}/#/runs`);
    const row = page.locator(`[data-run-id="${runId}"]`);
    await row.locator("[data-testid=needs-person]").waitFor();
    expect(await row.locator("[data-testid=needs-person]").textContent()).toContain("awaiting signal");
    await row.click();
    await page.locator("[data-testid=connection][data-connection=live]").waitFor();
    await waitForPhase(page, "wait_for_approval", "waiting");
    // Only what applies is offered: no resume or retry on a waiting run.
    expect(await page.locator("[data-testid=operator-actions] [data-testid=resume]").count()).toBe(0);

    await operate(page, "approve");
    await waitForStatus(page, "succeeded");
    await waitForPhase(page, "apply_change", "succeeded");
    expect(await runStatus(server.url, runId)).toBe("succeeded");
    await page.locator('[data-state-id="wait_for_approval"]').click();
    expect(await page.locator("[data-testid=step-output]").textContent()).toContain('"decision": "approve"');
    expect(pageErrors).toEqual([]);
  });

  it("resumes a failed run from its button once the cause is fixed", async () => {
    const database = join(dataDir, "later.db");
    const runId = await startRun(server.url, "db-migration", { ...migration("good"), database });
    await openRun(page, server.url, runId);
    await waitForStatus(page, "failed", 30_000);
    await waitForPhase(page, "backup_database", "failed");
    expect(await page.locator('[data-state-id="backup_database"]').textContent()).toMatch(/3 attempts/);
    expect(await page.locator("[data-testid=operator-actions] [data-testid=approve]").count()).toBe(0);

    createDemoDatabase(database); // the cause: the database did not exist yet
    await operate(page, "resume");
    await waitForStatus(page, "succeeded", 30_000);
    await waitForPhase(page, "migrated", "succeeded");
    expect(await phaseOf(page, "backup_database")).toBe("succeeded");
    expect(await page.locator("[data-testid=operator-actions] [data-testid=resume]").count()).toBe(0);
    expect(await page.locator("[data-testid=error-summary]").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

/** A booking whose undo keeps failing: the run ends compensation_failed and needs a person. */
const undoFails = {
  name: "undo-fails",
  startAt: "book",
  states: {
    book: {
      type: "task",
      action: "transform",
      params: { value: { booking: "B-1" } },
      idempotent: true,
      compensateWith: "unbook",
      next: "charge",
    },
    charge: {
      type: "task",
      action: "flaky",
      params: { failTimes: 99, error: "CardDeclined" },
      idempotent: true,
      compensateWith: null,
      next: "done",
    },
    done: { type: "succeed" },
    unbook: {
      type: "compensation",
      action: "flaky",
      params: { failTimes: 99, error: "BookingServiceDown" },
      retry: { maxAttempts: 2, backoff: "fixed", initialDelay: "50ms" },
    },
  },
};

describe("a compensation that fails", () => {
  it("raises a banner on every page; resolving the compensation by hand from the run view clears it", async () => {
    await callApi(server.url, "definitions.save", { definition: undoFails }, "mutation");
    await page.goto(`${server.url}/#/workflows/approval`);
    await page.locator("[data-testid=canvas]").waitFor();
    const runId = await startRun(server.url, "undo-fails", {});
    // The designer is open: the alert reaches it live.
    const banner = page.locator("[data-testid=alert-banner]");
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain("BookingServiceDown");
    await page.goto(`${server.url}/#/runs`);
    await banner.waitFor(); // and it is there on a fresh load, from alerts.list
    expect(await page.locator(`[data-run-id="${runId}"] [data-testid=needs-person]`).textContent()).toContain(
      "needs a person",
    );

    await banner.locator("[data-testid=alert-open]").click();
    await page.locator("[data-testid=connection][data-connection=live]").waitFor();
    await waitForStatus(page, "compensation_failed");
    expect(await phaseOf(page, "unbook")).toBe("compensation_failed");
    expect(await page.locator('[data-edge-label="book:compensation"]').textContent()).toBe("1");
    const actions = page.locator("[data-testid=operator-actions]");
    expect(await actions.locator("[data-testid=retry-compensation]").count()).toBe(1);
    expect(await actions.locator("[data-testid=cancel]").count()).toBe(0);

    await actions.locator("[data-testid=resolve]").click();
    await page.locator("textarea[name=resolve-output]").fill('{"unbooked": "by phone"}');
    await page.locator("[data-testid=confirm-dialog] [data-testid=confirm]").click();
    await waitForStatus(page, "compensated");
    await banner.waitFor({ state: "detached" });
    const trace = page.locator("[data-testid=compensation-trace] [data-compensation-order]");
    expect(await trace.first().getAttribute("data-compensation-status")).toBe("resolved");
    expect(await phaseOf(page, "unbook")).toBe("compensated");
    expect(pageErrors).toEqual([]);
  });
});

describe("a live run view when the server restarts", () => {
  it("reconnects and resumes after the last event it had: no event missed, none twice", async () => {
    let own = await startServer();
    const watcher = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectPageErrors(watcher);
    try {
      const runId = await startRun(own.url, "approval", { change: "rotate the keys" });
      await waitForRunStatus(own.url, runId, "waiting");
      await openRun(watcher, own.url, runId);
      await waitForPhase(watcher, "wait_for_approval", "waiting");

      await own.stop({ keepData: true });
      await watcher.locator("[data-testid=connection][data-connection=reconnecting]").waitFor();
      own = await startServer({ port: own.port, dir: own.dir });
      // Decided while the page may still be away: the events it missed come with the catch-up.
      await callApi(
        own.url,
        "runs.signal",
        { runId, name: "approval", payload: { decision: "approve" } },
        "mutation",
      );
      await waitForStatus(watcher, "succeeded", 30_000);
      await watcher.locator("[data-testid=connection][data-connection=live]").waitFor();

      const { events } = await callApi<{ events: { seq: number }[] }>(
        own.url,
        "runs.history",
        { runId, limit: 1000 },
        "query",
      );
      await watcher.locator("[data-testid=tab-events]").click();
      expect(await watcher.locator("[data-testid=tab-events]").textContent()).toBe(
        `Events (${events.length})`,
      );
      const last = events.at(-1)?.seq ?? 0;
      await watcher.locator(`[data-testid=event-list] [data-seq="${last}"]`).waitFor();
      expect(await watcher.locator('[data-event-type="SignalReceived"]').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await watcher.close();
      await own.stop();
    }
  });
});
