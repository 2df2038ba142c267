import type { FromWorker, ToWorker } from "./messages";
import { runJob } from "./run-job";

/** The canvas's heavy, pure work off the main thread: validating and laying out very big definitions. */

/** The worker's global scope, typed by what is used of it (the app compiles with the DOM's types). */
const scope = globalThis as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((message: MessageEvent<ToWorker>) => void) | null;
};

scope.onmessage = ({ data: { id, ...job } }) => {
  try {
    scope.postMessage({ id, ok: true, value: runJob(job) });
  } catch (error) {
    scope.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
};
