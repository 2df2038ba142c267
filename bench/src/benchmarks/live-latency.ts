import { launchBrowser } from "../../../apps/web/e2e/support/browser";
import buildWebIfStale from "../../../apps/web/e2e/support/global-setup";
import { callApi, openRun, startRun, waitForRunStatus } from "../../../apps/web/e2e/support/run-view";
import { startServer } from "../../../apps/web/e2e/support/server";
import { formatCount, percentile } from "../harness/stats";
import { type Benchmark, compared, type Figure } from "../types";

/**
 * The run view's live latency: from an event's commit on the server (its `at`) to the node on the canvas
 * changing in Chromium (a MutationObserver on `data-run-phase`, same machine, same clock). The run is a
 * chain of N tasks laid out in a grid, so every node is on screen and every change maps to one event:
 * StateEntered → "active", StepSucceeded → "succeeded". Baseline: the same events read from the same
 * SSE subscription by Node (transport only, no browser, no render).
 */

interface Definition {
  name: string;
  startAt: string;
  states: Record<string, unknown>;
  layout: Record<string, { x: number; y: number }>;
}

const COLUMNS = 20;

function chainDefinition(steps: number): Definition {
  const states: Record<string, unknown> = {
    go: { type: "signal", signal: "go", next: "s1" },
    done: { type: "succeed" },
  };
  const layout: Definition["layout"] = { go: { x: -300, y: 0 }, done: { x: COLUMNS * 280, y: 0 } };
  for (let i = 1; i <= steps; i++) {
    states[`s${i}`] = {
      type: "task",
      action: "delay",
      params: { duration: "10ms" },
      idempotent: true,
      next: i === steps ? "done" : `s${i + 1}`,
    };
    layout[`s${i}`] = { x: ((i - 1) % COLUMNS) * 280, y: Math.floor((i - 1) / COLUMNS) * 150 };
  }
  return { name: "live-latency", startAt: "go", states, layout };
}

interface StoredEvent {
  seq: number;
  at: string;
  event: { type: string; stateId?: string };
}

async function history(baseUrl: string, runId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await callApi<{ events: StoredEvent[]; nextSeq: number | null }>(
      baseUrl,
      "runs.history",
      { runId, afterSeq: events.at(-1)?.seq ?? 0, limit: 1000 },
      "query",
    );
    events.push(...page.events);
    if (page.nextSeq === null) return events;
  }
}

/** Reads the run's SSE stream in Node and notes when each seq arrived. */
function followInNode(baseUrl: string, runId: string) {
  const arrived = new Map<number, number>();
  const abort = new AbortController();
  const url = `${baseUrl}/trpc/runs.events?input=${encodeURIComponent(JSON.stringify({ runId }))}`;
  const done = (async () => {
    const response = await fetch(url, { signal: abort.signal, headers: { accept: "text/event-stream" } });
    const reader = response.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      const now = Date.now();
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("data:")) continue;
        try {
          const data = JSON.parse(line.slice(5)) as { seq?: number };
          if (typeof data.seq === "number" && !arrived.has(data.seq)) arrived.set(data.seq, now);
        } catch {
          // not an event (a ping or the connection notice)
        }
      }
    }
  })().catch(() => undefined);
  return {
    arrived,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

const PHASE_OF_EVENT: Record<string, string> = { StateEntered: "active", StepSucceeded: "succeeded" };

export const liveLatency: Benchmark = {
  name: "live",
  title: "Run view live latency in Chromium (commit → node changed)",
  async run(context): Promise<Figure[]> {
    const steps = context.scale === "tiny" ? 20 : 200;
    buildWebIfStale();
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      await callApi(
        server.url,
        "definitions.save",
        { definition: chainDefinition(steps) as never },
        "mutation",
      );
      const runId = await startRun(server.url, "live-latency", {});
      await waitForRunStatus(server.url, runId, "waiting");
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await openRun(page, server.url, runId);
      await page.locator('[data-state-id="go"][data-run-phase="waiting"]').waitFor();
      // The run view opens at a readable zoom on the start; every node must be on screen to be measured
      // (the canvas draws only the nodes on screen). Fit view fits the nodes drawn so far, so zoom out
      // with the wheel first until the canvas has drawn them all.
      const pane = await page.locator(".react-flow__pane").boundingBox();
      if (pane) await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
      for (let turn = 0; turn < 10; turn++) {
        await page.mouse.wheel(0, 400);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await page.locator(".react-flow__controls-fitview").click();
      await page.locator('[data-state-id="done"]').waitFor();
      await page.evaluate(`(() => {
        window.__changes = [];
        new MutationObserver((records) => {
          const t = Date.now();
          for (const r of records) {
            const el = r.target;
            if (el instanceof Element && el.hasAttribute("data-state-id"))
              window.__changes.push([el.getAttribute("data-state-id"), el.getAttribute("data-run-phase"), t]);
          }
        }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-run-phase"] });
      })()`);
      const node = followInNode(server.url, runId);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the Node reader is caught up
      await callApi(server.url, "runs.signal", { runId, name: "go", payload: null }, "mutation");
      await waitForRunStatus(server.url, runId, "succeeded", 120_000);
      await page.locator('[data-state-id="done"][data-run-phase="succeeded"]').waitFor({ timeout: 30_000 });
      const changes = (await page.evaluate("window.__changes")) as [string, string, number][];
      await node.stop();

      const seen = new Map<string, number>();
      for (const [id, phase, t] of changes) if (!seen.has(`${id}:${phase}`)) seen.set(`${id}:${phase}`, t);
      const browserMs: number[] = [];
      const nodeMs: number[] = [];
      for (const stored of await history(server.url, runId)) {
        const phase = PHASE_OF_EVENT[stored.event.type];
        if (!phase || !stored.event.stateId?.startsWith("s")) continue;
        const committed = Date.parse(stored.at);
        const shown = seen.get(`${stored.event.stateId}:${phase}`);
        if (shown !== undefined) browserMs.push(Math.max(0, shown - committed));
        const read = node.arrived.get(stored.seq);
        if (read !== undefined) nodeMs.push(Math.max(0, read - committed));
      }
      context.log(`live: ${browserMs.length} node changes matched, ${nodeMs.length} events read by Node`);
      if (browserMs.length < steps)
        throw new Error(`only ${browserMs.length} node changes seen for ${steps} steps`);
      const size = `${formatCount(browserMs.length)} node changes, ${steps} steps`;
      const figures = [50, 95].map((p) =>
        compared({
          id: `browser.live.p${p}`,
          label: `Live event latency p${p} (commit → node changed in Chromium)`,
          value: Math.max(0.5, percentile(browserMs, p)),
          unit: "ms",
          ...(nodeMs.length > 0
            ? {
                baseline: {
                  label: `same SSE read by Node p${p}`,
                  value: Math.max(0.5, percentile(nodeMs, p)),
                  unit: "ms",
                },
              }
            : {}),
          size,
          note: "ms resolution (event times are ISO strings); values under 0.5 ms are shown as 0.5",
        }),
      );
      const p95 = figures[1]?.value ?? Number.POSITIVE_INFINITY;
      return figures.map((f) =>
        f.id.endsWith("p95") ? { ...f, target: { text: "p95 under 100 ms", met: p95 < 100 } } : f,
      );
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
