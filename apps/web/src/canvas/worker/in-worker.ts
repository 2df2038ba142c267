import type { FromWorker, Job, JobResult, ToWorker } from "./messages";
import { runJob } from "./run-job";

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

function canvasWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL("./canvas-worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
    const job = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.ok) job?.resolve(data.value);
    else job?.reject(new Error(data.message));
  };
  // A worker that cannot start (blocked script, out of memory) fails every job waiting on it.
  worker.onerror = (event) => {
    for (const job of waiting.values()) job.reject(new Error(event.message || "the canvas worker failed"));
    waiting.clear();
    worker = undefined;
  };
  return worker;
}

/**
 * Runs a job in the canvas worker, so a 10,000-state definition is validated and laid out without
 * freezing the page. Where there are no workers (unit tests under Node), on this thread.
 */
export function inWorker<J extends Job>(job: J): Promise<JobResult<J>> {
  if (!("Worker" in globalThis)) return Promise.resolve(runJob(job) as JobResult<J>);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    canvasWorker().postMessage({ id, ...job } satisfies ToWorker);
  });
}
