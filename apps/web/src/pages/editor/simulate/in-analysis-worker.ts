import type { FailureReport, TimeoutBudget } from "@sagaflow/engine/core";
import type { AnalysisJob, AnalysisResult, Progress } from "./analysis-job";
import { runAnalysis } from "./analysis-job";
import type { Checked } from "./run-simulation";

export type ToAnalysisWorker = { id: number; job: AnalysisJob };
export type FromAnalysisWorker =
  | { id: number; kind: "progress"; progress: Progress }
  | { id: number; kind: "done"; value: Checked<FailureReport[]> | Checked<TimeoutBudget> }
  | { id: number; kind: "error"; message: string };

export class AnalysisCanceled extends Error {
  override name = "AnalysisCanceled";
}

/**
 * One worker for one kind of analysis, one job at a time: a new job cancels the one running (a worker
 * busy with a stale each-failure table is terminated, not waited for). Where there are no workers (unit
 * tests under Node), the job runs on this thread.
 */
export class AnalysisWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private current:
    | { id: number; resolve(value: unknown): void; reject(error: Error): void; onProgress(p: Progress): void }
    | undefined;

  run<J extends AnalysisJob>(
    job: J,
    onProgress: (progress: Progress) => void = () => {},
  ): Promise<AnalysisResult<J>> {
    if (!("Worker" in globalThis)) return runAnalysis(job, onProgress) as Promise<AnalysisResult<J>>;
    if (this.current) this.cancel();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.current = { id, resolve: resolve as (value: unknown) => void, reject, onProgress };
      this.start().postMessage({ id, job } satisfies ToAnalysisWorker);
    });
  }

  /** Stops the running job: its promise rejects with AnalysisCanceled. */
  cancel(): void {
    const running = this.current;
    if (!running) return;
    this.current = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    running.reject(new AnalysisCanceled("a newer analysis replaced this one"));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./analysis-worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = ({ data }: MessageEvent<FromAnalysisWorker>) => {
      const running = this.current;
      if (!running || running.id !== data.id) return;
      if (data.kind === "progress") {
        running.onProgress(data.progress);
        return;
      }
      this.current = undefined;
      if (data.kind === "done") running.resolve(data.value);
      else running.reject(new Error(data.message));
    };
    worker.onerror = (event) => {
      const running = this.current;
      this.current = undefined;
      this.worker = undefined;
      running?.reject(new Error(event.message || "the analysis worker failed"));
    };
    this.worker = worker;
    return worker;
  }
}
