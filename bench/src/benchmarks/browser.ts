import { type Benchmark, notMeasuredYet } from "../types";

/** Placeholders until the designer and run-view benchmarks land (playwright-core with /usr/bin/chromium). */
export const browser: Benchmark = {
  name: "browser",
  title: "Designer and run view in Chromium",
  async run() {
    const note =
      "not measured yet: the browser benchmark is still to be written (bench/src/benchmarks/browser.ts)";
    return [
      notMeasuredYet("browser.render.300", "First render of a 300-state definition", "ms", note),
      notMeasuredYet("browser.pan.frame", "Frame time while panning (300 states)", "ms", note),
      notMeasuredYet("browser.live.p50", "Live event latency p50 (commit → node lit)", "ms", note),
      notMeasuredYet("browser.live.p95", "Live event latency p95 (commit → node lit)", "ms", note),
    ];
  },
};
