import { runAnalysis } from "./analysis-job";
import type { FromAnalysisWorker, ToAnalysisWorker } from "./in-analysis-worker";

/** Simulate mode's long analyses off the main thread (analysis-job.ts). */

/** The worker's global scope, typed by what is used of it (the app compiles with the DOM's types). */
const scope = globalThis as unknown as {
  postMessage(message: FromAnalysisWorker): void;
  onmessage: ((message: MessageEvent<ToAnalysisWorker>) => void) | null;
};

scope.onmessage = async ({ data: { id, job } }) => {
  try {
    const value = await runAnalysis(job, (progress) => scope.postMessage({ id, kind: "progress", progress }));
    scope.postMessage({ id, kind: "done", value });
  } catch (error) {
    scope.postMessage({ id, kind: "error", message: error instanceof Error ? error.message : String(error) });
  }
};
