import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { LONG_RUN_ID, seqOfVisit, writeLongRun } from "./support/long-run";
import { callApi, openRun, phaseOf, startRun, waitForPhase, waitForRunStatus } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/**
 * Time travel and long runs in the run view, against the real `sagaflow serve`: a finished run scrubbed
 * back to an event mid-run, and a run of 25,000 events that opens on its snapshot and its last page.
 */

const LONG_VISITS = 5_000;

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let longEvents = 0;

beforeAll(async () => {
  // The long run is written before the server opens the database, as a run it had executed itself.
  const dir = mkdtempSync(join(tmpdir(), "sagaflow-e2e-"));
  longEvents = (await writeLongRun(join(dir, "sagaflow.db"), LONG_VISITS)).events;
  server = await startServer({ dir });
  // A database that already has runs is not seeded with the examples: import the one this test runs.
  const orderSaga = readFileSync(join(import.meta.dirname, "../../../examples/order-saga.json"), "utf8");
  await callApi(server.url, "definitions.import", { json: orderSaga }, "mutation");
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface StoredEvent {
  seq: number;
  event: { type: string; stateId?: string; attempt?: number };
}

async function historyOf(runId: string): Promise<StoredEvent[]> {
  const page = await callApi<{ events: StoredEvent[] }>(
    server.url,
    "runs.history",
    { runId, limit: 1000 },
    "query",
  );
  return page.events;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical findings inside one element of the page. */
async function axeFindings(target: Page, selector: string): Promise<string[]> {
  await target.addScriptTag({ content: axeSource });
  return (await target.evaluate(`(async () => {
    const { violations } = await window.axe.run(document.querySelector(${JSON.stringify(selector)}));
    return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id + ": " + v.help);
  })()`)) as string[];
}

/** Moves the slider to `seq` and waits until the canvas shows the run as of that event. */
async function scrubTo(target: Page, seq: number) {
  await target.locator("[data-testid=travel-slider]").fill(String(seq));
  await target.locator(`[data-testid=scrubber][data-seq="${seq}"][data-shown-seq="${seq}"]`).waitFor();
}

describe("time travel", () => {
  it("scrubs a finished run back to a mid-run event: the active node and the inspector match that event", async () => {
    const runId = await startRun(server.url, "order-saga", {
      orderId: "o-7",
      sku: "sku-1",
      quantity: 2,
      amount: 30,
      failAt: "ship_order",
    });
    await waitForRunStatus(server.url, runId, "compensated");
    const events = await historyOf(runId);
    const shipStarted = events.find(
      (e) => e.event.type === "StepAttemptStarted" && e.event.stateId === "ship_order",
    );
    const chargeFailed = events.find(
      (e) => e.event.type === "StepAttemptFailed" && e.event.stateId === "charge_payment",
    );
    expect(shipStarted && chargeFailed).toBeTruthy();

    await openRun(page, server.url, runId);
    await waitForPhase(page, "charge_payment", "compensated");
    await page.locator("[data-testid=time-travel]").click();
    await page.locator("[data-testid=scrubber]").waitFor();
    // It opens on the last event: the run as it ended.
    await page.locator(`[data-testid=scrubber][data-shown-seq="${events.length}"]`).waitFor();
    await expect
      .poll(() => page.locator("[data-testid=travel-status]").getAttribute("data-status"))
      .toBe("compensated");

    // Back to the moment ship_order's attempt started: it is the active node, charge_payment had succeeded
    // (not yet undone), the inspector shows ship_order running with no output.
    await scrubTo(page, shipStarted!.seq);
    expect(await phaseOf(page, "ship_order")).toBe("active");
    expect(await phaseOf(page, "charge_payment")).toBe("succeeded");
    expect(await phaseOf(page, "refund_payment")).toBeNull();
    const inspector = page.locator("[data-testid=step-inspector]");
    expect(await inspector.getAttribute("data-state")).toBe("ship_order");
    expect(await inspector.locator("[data-testid=step-status]").textContent()).toBe("running");
    expect(await inspector.locator("[data-testid=step-output]").count()).toBe(0);
    expect(await page.locator("[data-testid=travel-status]").getAttribute("data-status")).toBe("running");
    await page.locator("[data-testid=tab-format]").click();
    expect(await page.locator("[data-testid=state-format]").textContent()).toContain(
      "Current State: ship_order (running, attempt 1)",
    );
    await page.locator("[data-testid=tab-step]").click();
    expect(await axeFindings(page, "[data-testid=scrubber]")).toEqual([]);

    // Further back, with the keyboard: charge_payment's first attempt had just failed and is retried.
    await page.locator("[data-testid=travel-slider]").focus();
    await page.locator("[data-testid=travel-slider]").blur();
    await scrubTo(page, chargeFailed!.seq + 1);
    await page.keyboard.press("ArrowLeft");
    await page.locator(`[data-testid=scrubber][data-shown-seq="${chargeFailed!.seq}"]`).waitFor();
    expect(await phaseOf(page, "charge_payment")).toBe("active");
    expect(await phaseOf(page, "ship_order")).toBeNull();
    expect(await inspector.getAttribute("data-state")).toBe("charge_payment");
    expect(await inspector.locator("[data-testid=step-status]").textContent()).toBe("retrying");
    await expect.poll(() => inspector.locator("[data-testid=attempts] li").count()).toBe(1);

    // Home is before anything ran; back to live shows the end again.
    await page.keyboard.press("Home");
    await page.locator(`[data-testid=scrubber][data-shown-seq="1"]`).waitFor();
    expect(await phaseOf(page, "reserve_stock")).toBeNull();
    // Play at 10× runs to the last event and stops there.
    await page.locator("[data-testid=travel-speed]").click();
    expect(await page.locator("[data-testid=travel-play]").getAttribute("aria-label")).toBe("Pause");
    await page.locator(`[data-testid=scrubber][data-shown-seq="${events.length}"]`).waitFor();
    await page.locator('[data-testid=travel-play][aria-label="Play"]').waitFor();
    await waitForPhase(page, "charge_payment", "compensated");
    await page.locator("[data-testid=travel-leave]").click();
    await page.locator("[data-testid=scrubber]").waitFor({ state: "detached" });
    await waitForPhase(page, "charge_payment", "compensated");
    expect(await phaseOf(page, "ship_order")).toBe("failed");
    expect(pageErrors).toEqual([]);
  });

  it("opens a 25,000-event run on its snapshot and last page, pages the rest in, and travels through it", async () => {
    const started = Date.now();
    await openRun(page, server.url, LONG_RUN_ID);
    await waitForPhase(page, "done", "succeeded");
    await page.locator("[data-testid=tab-events]").click();
    const label = `Events (${longEvents.toLocaleString("en-US")})`;
    expect(await page.locator("[data-testid=tab-events]").textContent()).toBe(label);
    // The latest events are listed: the run's last one is in view.
    await page.locator(`[data-testid=event-list] [data-seq="${longEvents}"]`).waitFor();
    const openMs = Date.now() - started;
    expect(openMs).toBeLessThan(15_000); // loose here; the bench holds the 2 s target
    expect(await page.locator("[data-state-id=tick]").getAttribute("data-run-phase")).toBe("succeeded");
    // Far fewer rows than events are in the DOM, and the first ones page in when scrolled to.
    expect(await page.locator("[data-testid=event-list] [data-seq]").count()).toBeLessThan(100);
    await page.locator("[data-testid=event-list]").evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.locator('[data-testid=event-list] [data-seq="1"][data-event-type="RunStarted"]').waitFor();

    // Time travel reads the whole history in a worker, then shows visit 2,500 of the loop.
    await page.locator("[data-testid=time-travel]").click();
    await page.locator("[data-testid=travel-loading]").waitFor({ state: "detached", timeout: 60_000 });
    const seq = seqOfVisit(2_500) + 1; // tick's attempt of that visit started
    await scrubTo(page, seq);
    expect(await phaseOf(page, "tick")).toBe("active");
    expect(await phaseOf(page, "done")).toBeNull();
    const inspector = page.locator("[data-testid=step-inspector]");
    expect(await inspector.getAttribute("data-state")).toBe("tick");
    expect(await inspector.locator("[data-testid=step-status]").textContent()).toBe("running");
    await page.locator("[data-testid=travel-leave]").click();
    await waitForPhase(page, "done", "succeeded");
    expect(pageErrors).toEqual([]);
  });
});
