import { type Benchmark, notMeasuredYet } from "../types";

/** Placeholders until the designer benchmarks land (the run view's live latency is benchmarks/live-latency.ts) (playwright-core with /usr/bin/chromium). */
export const browser: Benchmark = {
  name: "browser",
  title: "Designer and run view in Chromium",
  async run() {
    const note =
      "not measured yet: the browser benchmark is still to be written (bench/src/benchmarks/browser.ts)";
    return [
      notMeasuredYet("browser.render.300", "First render of a 300-state definition", "ms", note),
      notMeasuredYet("browser.pan.frame", "Frame time while panning (300 states)", "ms", note),
    ];
  },
};
