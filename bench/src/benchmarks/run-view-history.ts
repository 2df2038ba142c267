import { join } from "node:path";
import { fold, openSqliteStore } from "@sagaflow/engine";
import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { launchBrowser } from "../../../apps/web/e2e/support/browser";
import buildWebIfStale from "../../../apps/web/e2e/support/global-setup";
import { openRun } from "../../../apps/web/e2e/support/run-view";
import { startServer } from "../../../apps/web/e2e/support/server";
import { formatCount, percentile } from "../harness/stats";
import type { Benchmark, Figure } from "../types";

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launchBrowser>>["newPage"]>>;

/**
 * The run view with a 100,000-event history: how long until every event is in (catch-up over the live
 * subscription, folded, drawn), and the frame times while the virtualized event list scrolls through all
 * of it. The history is a polling loop (task → choice → back), written straight into the store with a
 * valid hash chain and checkpoint, then served by the real `sagaflow serve`.
 */

const loopDefinition = (visits: number) => ({
  name: "long-loop",
  startAt: "tick",
  states: {
    tick: {
      type: "task" as const,
      action: "transform",
      params: { value: { n: "{% $exists($steps.tick.n) ? $steps.tick.n + 1 : 1 %}" } },
      idempotent: true,
      maxVisits: visits + 1,
      next: "check",
    },
    check: {
      type: "choice" as const,
      maxVisits: visits + 1,
      choices: [{ when: `{% $steps.tick.n >= ${visits} %}`, next: "done", label: "done" }],
      otherwise: "tick",
    },
    done: { type: "succeed" as const },
  },
  layout: { tick: { x: 0, y: 0 }, check: { x: 312, y: 0 }, done: { x: 624, y: 0 } },
});

function* loopEvents(runId: string, visits: number): Generator<RunEvent> {
  yield { type: "RunStarted", runId, workflow: "long-loop", version: 1, input: {}, deadlineAt: null };
  for (let visit = 1; visit <= visits; visit++) {
    const idempotencyKey = `${runId}:tick:${visit}`;
    const base = { scope: "", stateId: "tick", visit };
    yield { type: "StateEntered", ...base, stateType: "task" };
    yield {
      ...base,
      type: "StepAttemptStarted",
      attempt: 1,
      idempotencyKey,
      action: "transform",
      params: { value: { n: visit } },
      timeoutMs: 60_000,
    };
    yield { ...base, type: "StepSucceeded", attempt: 1, idempotencyKey, output: { n: visit }, durationMs: 1 };
    yield { type: "StateEntered", scope: "", stateId: "check", visit, stateType: "choice" };
    const last = visit === visits;
    yield {
      type: "ChoiceTaken",
      scope: "",
      stateId: "check",
      visit,
      next: last ? "done" : "tick",
      rule: last ? 0 : null,
      ...(last ? { label: "done" } : {}),
    };
  }
  yield { type: "StateEntered", scope: "", stateId: "done", visit: 1, stateType: "succeed" };
  yield { type: "RunSucceeded", output: { n: visits } };
}

/** Writes the run's history in commits of 1,000 events, each with the checkpoint folded so far. */
async function writeHistory(dbPath: string, visits: number): Promise<{ runId: string; events: number }> {
  const store = openSqliteStore(dbPath);
  const runId = "01LONGLOOP0000000000000000";
  try {
    await store.saveDefinition(loopDefinition(visits), new Date().toISOString());
    let snapshot: RunSnapshot | undefined;
    let batch: RunEvent[] = [];
    let seq = 0;
    const start = Date.now() - visits * 10;
    const flush = async () => {
      if (!snapshot || batch.length === 0) return;
      await store.commit({
        runId,
        expectedSeq: seq,
        ...(seq === 0 ? { create: { workflow: "long-loop", version: 1 } } : {}),
        at: new Date(start + seq * 2).toISOString(),
        events: batch as never,
        snapshot,
        status: snapshot.status,
        wakeAt: null,
      });
      seq += batch.length;
      batch = [];
    };
    for (const event of loopEvents(runId, visits)) {
      snapshot = fold(snapshot, event, new Date(start + (seq + batch.length) * 2).toISOString());
      batch.push(event);
      if (batch.length === 1000) await flush();
    }
    await flush();
    return { runId, events: seq };
  } finally {
    await store.close();
  }
}

/** Frame times while the event list scrolls from top to bottom at a steady speed. */
async function scrollFrames(page: Page, durationMs: number): Promise<number[]> {
  return (await page.evaluate(`new Promise((resolve) => {
    const list = document.querySelector("[data-testid=event-list]");
    const frames = [];
    const started = performance.now();
    let last = started;
    list.scrollTop = 0;
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      const progress = Math.min(1, (now - started) / ${durationMs});
      list.scrollTop = progress * (list.scrollHeight - list.clientHeight);
      if (progress < 1) requestAnimationFrame(tick);
      else resolve(frames.slice(1));
    };
    requestAnimationFrame(tick);
  })`)) as number[];
}

export const runViewHistory: Benchmark = {
  name: "run-view-history",
  title: "Run view with a long history in Chromium",
  async run(context): Promise<Figure[]> {
    const visits = context.scale === "tiny" ? 1_000 : 20_000;
    buildWebIfStale();
    const dir = context.tempDir();
    const { runId, events } = await writeHistory(join(dir, "sagaflow.db"), visits);
    const server = await startServer({ dir });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const opened = performance.now();
      await openRun(page, server.url, runId);
      await page.locator("[data-testid=tab-events]").click();
      const label = JSON.stringify(`Events (${events.toLocaleString("en-US")})`);
      await page.waitForFunction(
        `document.querySelector("[data-testid=tab-events]")?.textContent === ${label}`,
        undefined,
        { timeout: 300_000, polling: 100 },
      );
      const loadMs = performance.now() - opened;
      await page.locator('[data-state-id="done"][data-run-phase="succeeded"]').waitFor();
      const frames = await scrollFrames(page, context.scale === "tiny" ? 1_000 : 4_000);
      const rows = await page.locator("[data-testid=event-list] [data-seq]").count();
      context.log(`run-view-history: ${events} events in ${loadMs.toFixed(0)} ms; ${rows} rows in the DOM`);
      const size = `${formatCount(events)} events (${formatCount(visits)} loop visits)`;
      return [
        {
          id: "browser.history.load",
          label: "Open a run: every event streamed in, folded and listed",
          value: loadMs,
          unit: "ms",
          size,
        },
        {
          id: "browser.history.scroll.p95",
          label: "Frame time scrolling the event list top to bottom, p95",
          value: Math.max(0.5, percentile(frames, 95)),
          unit: "ms",
          size,
          target: { text: "p95 under 50 ms (smooth)", met: percentile(frames, 95) < 50 },
        },
        {
          id: "browser.history.dom-rows",
          label: "Event rows in the DOM (virtualized)",
          value: rows,
          unit: "rows",
          size,
        },
      ];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
