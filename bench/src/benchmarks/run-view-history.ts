import { join } from "node:path";
import { launchBrowser } from "../../../apps/web/e2e/support/browser";
import buildWebIfStale from "../../../apps/web/e2e/support/global-setup";
import { writeLongRun } from "../../../apps/web/e2e/support/long-run";
import { startServer } from "../../../apps/web/e2e/support/server";
import { formatCount, percentile } from "../harness/stats";
import type { Benchmark, Figure } from "../types";

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launchBrowser>>["newPage"]>>;

/**
 * The run view with a long history (a polling loop, task → choice → back, written straight into the store
 * with a valid hash chain and checkpoint, then served by the real `sagaflow serve`):
 * - first paint: from navigation until the canvas shows the run's end, the events tab its count and the
 *   list the last event (the view opens on the snapshot and the last page);
 * - frame times while the virtualized list scrolls through all of it (pages read as rows come into view);
 * - time travel: the whole history read and folded in the worker (the fold's own time reported apart),
 *   the frame times while the slider is dragged across it, and how long a jump takes to be drawn.
 */

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

/** Sets the slider as a drag does (React listens to input events on the native value). */
const SET_SLIDER = `(value) => {
  const slider = document.querySelector("[data-testid=travel-slider]");
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(slider, String(value));
  slider.dispatchEvent(new Event("input", { bubbles: true }));
}`;

/** Frame times while the slider is dragged from the first event to the last in `frames` frames. */
async function dragFrames(page: Page, total: number, frames: number): Promise<number[]> {
  return (await page.evaluate(`new Promise((resolve) => {
    const set = ${SET_SLIDER};
    const times = [];
    let last = performance.now();
    let i = 0;
    const tick = (now) => {
      times.push(now - last);
      last = now;
      i++;
      set(Math.max(1, Math.round((${total} * i) / ${frames})));
      if (i < ${frames}) requestAnimationFrame(tick);
      else resolve(times.slice(1));
    };
    requestAnimationFrame(tick);
  })`)) as number[];
}

/** Jumps to `seq` and waits until the canvas shows it: ms from the input to the drawn answer. */
async function jump(page: Page, seq: number): Promise<number> {
  return (await page.evaluate(`new Promise((resolve) => {
    const set = ${SET_SLIDER};
    const scrubber = document.querySelector("[data-testid=scrubber]");
    const started = performance.now();
    const done = () => scrubber.getAttribute("data-shown-seq") === "${seq}";
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - started));
    });
    observer.observe(scrubber, { attributes: true });
    set(${seq});
  })`)) as number;
}

export const runViewHistory: Benchmark = {
  name: "run-view-history",
  title: "Run view with a long history in Chromium: first paint, scrolling, time travel",
  async run(context): Promise<Figure[]> {
    const visits = context.scale === "tiny" ? 1_000 : 20_000;
    buildWebIfStale();
    const dir = context.tempDir();
    const { runId, events } = await writeLongRun(join(dir, "sagaflow.db"), visits);
    const server = await startServer({ dir });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      // The app's code in the cache, as for a user who opens a run from the runs list.
      await page.goto(`${server.url}/#/runs`);
      await page.locator("[data-testid=runs-page], [data-testid=runs-table]").first().waitFor();
      const opened = performance.now();
      await page.goto(`${server.url}/#/runs/${runId}?tab=events`);
      await page.locator('[data-state-id="done"][data-run-phase="succeeded"]').waitFor({ timeout: 120_000 });
      await page.locator(`[data-testid=event-list] [data-seq="${events}"]`).waitFor({ timeout: 120_000 });
      const paintMs = performance.now() - opened;
      const label = `Events (${events.toLocaleString("en-US")})`;
      if ((await page.locator("[data-testid=tab-events]").textContent()) !== label)
        throw new Error(`the events tab does not say ${label}`);

      // Scrolling is measured once the view has settled (live, its last page in), as a person would scroll.
      await page.locator("[data-testid=connection][data-connection=live]").waitFor();
      await page.waitForTimeout(500);
      const frames = await scrollFrames(page, context.scale === "tiny" ? 1_000 : 4_000);
      const rows = await page.locator("[data-testid=event-list] [data-seq]").count();

      const travelStarted = performance.now();
      await page.locator("[data-testid=time-travel]").click();
      await page.locator(`[data-testid=scrubber][data-loaded="${events}"]`).waitFor({ timeout: 300_000 });
      const readyMs = performance.now() - travelStarted;
      const foldMs = Number(await page.locator("[data-testid=scrubber]").getAttribute("data-fold-ms"));
      const drag = await dragFrames(page, events, context.scale === "tiny" ? 60 : 240);
      const jumps: number[] = [];
      const folds: number[] = [];
      for (let i = 1; i <= 20; i++) {
        jumps.push(await jump(page, Math.round((events * ((i * 7) % 20)) / 20) + 1));
        folds.push(Number(await page.locator("[data-testid=scrubber]").getAttribute("data-seek-ms")));
      }
      context.log(
        `run-view-history: ${events} events painted in ${paintMs.toFixed(0)} ms; ${rows} rows in the DOM; ` +
          `time travel ready in ${readyMs.toFixed(0)} ms (fold ${foldMs.toFixed(0)} ms); drag p95 ${percentile(drag, 95).toFixed(1)} ms; jump p50 ${percentile(jumps, 50).toFixed(1)} ms`,
      );
      const size = `${formatCount(events)} events (${formatCount(visits)} loop visits)`;
      const scrollP95 = percentile(frames, 95);
      const dragP95 = percentile(drag, 95);
      return [
        {
          id: "browser.history.first-paint",
          label: "Open a long run: canvas, status and the latest events drawn",
          value: paintMs,
          unit: "ms",
          size,
          note: "the snapshot and the last page of events; the list pages the rest in as it scrolls",
          target: { text: "under 2 s", met: paintMs < 2000 },
        },
        {
          id: "browser.history.scroll.p95",
          label: "Frame time scrolling the event list top to bottom, p95",
          value: Math.max(0.5, scrollP95),
          unit: "ms",
          size,
          note: `p50 ${percentile(frames, 50).toFixed(1)} ms over ${frames.length} frames, after the view settled (live, last page in)`,
          target: { text: "p95 under 50 ms (smooth)", met: scrollP95 < 50 },
        },
        {
          id: "browser.history.dom-rows",
          label: "Event rows in the DOM (virtualized)",
          value: rows,
          unit: "rows",
          size,
        },
        {
          id: "browser.travel.fold",
          label: "Time travel: fold the whole history in Chromium (worker, checkpoints every 1,000)",
          value: foldMs,
          unit: "ms",
          size,
          note: `read in pages and folded: ready ${readyMs.toFixed(0)} ms after the click`,
        },
        {
          id: "browser.travel.drag.p95",
          label: "Time travel: frame time dragging the slider across the history, p95",
          value: Math.max(0.5, dragP95),
          unit: "ms",
          size: `${drag.length} frames`,
          note: `p50 ${percentile(drag, 50).toFixed(1)} ms; the slider set once a frame, from the first event to the last`,
          target: { text: "p95 under 50 ms (responsive)", met: dragP95 < 50 },
        },
        {
          id: "browser.travel.jump.p95",
          label: "Time travel: a jump to any event until it is drawn, p95",
          value: percentile(jumps, 95),
          unit: "ms",
          size: `${jumps.length} jumps`,
          note: `p50 ${percentile(jumps, 50).toFixed(1)} ms; the worker's fold of it (at most 1,000 events from the nearest checkpoint) p50 ${percentile(folds, 50).toFixed(1)} ms`,
        },
      ];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
