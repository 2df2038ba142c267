import { assertNever, type RunRecord, type RunStore, type StoredEvent } from "@sagaflow/engine";
import { isTerminalStatus, type RunEvent, type RunSnapshot, type RunStatus } from "@sagaflow/shared";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The server's Prometheus metrics (GET /metrics), one registry per server. Run metrics are counted from
 * the engine's committed events, so they say what the history says. Counters start at 0 with the process,
 * as Prometheus expects; `rate()` and `increase()` handle restarts.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #runsStarted: Counter<"workflow">;
  readonly #runsEnded: Counter<"workflow" | "status">;
  readonly #attemptSeconds: Histogram<"workflow" | "state" | "kind" | "outcome">;
  readonly #compensationsRun: Counter<"workflow">;
  readonly #compensationsFailed: Counter<"workflow">;
  readonly #commitSeconds: Histogram<"outcome">;
  /** Runs not in a terminal status, with their status (loaded at boot, then kept from events). */
  readonly #inProgress = new Map<string, RunStatus>();
  #queueDepth: () => number = () => 0;
  #runningActions: () => number = () => 0;

  constructor(options: { openAlerts: () => number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry }); // includes nodejs_eventloop_lag_* (event-loop lag)
    this.#runsStarted = new Counter({
      name: "sagaflow_runs_started_total",
      help: "Runs started, by workflow",
      labelNames: ["workflow"],
      registers,
    });
    this.#runsEnded = new Counter({
      name: "sagaflow_runs_ended_total",
      help: "Runs that reached a terminal status (succeeded, failed, compensated, canceled), by workflow and status; a redriven run that ends again counts again",
      labelNames: ["workflow", "status"],
      registers,
    });
    const inProgress = this.#inProgress;
    new Gauge({
      name: "sagaflow_runs_in_progress",
      help: "Runs not in a terminal status, by status (running, waiting, compensating, suspended, compensation_failed)",
      labelNames: ["status"],
      registers,
      collect() {
        const counts = new Map<RunStatus, number>(IN_PROGRESS_STATUSES.map((status) => [status, 0]));
        for (const status of inProgress.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
        for (const [status, count] of counts) this.set({ status }, count);
      },
    });
    this.#attemptSeconds = new Histogram({
      name: "sagaflow_step_attempt_duration_seconds",
      help: "Duration of step attempts (kind task or compensation), by workflow, state and outcome (succeeded, failed, timed_out)",
      labelNames: ["workflow", "state", "kind", "outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.#compensationsRun = new Counter({
      name: "sagaflow_compensations_run_total",
      help: "Compensations that ran to an outcome (succeeded, or failed after their retries), by workflow",
      labelNames: ["workflow"],
      registers,
    });
    this.#compensationsFailed = new Counter({
      name: "sagaflow_compensations_failed_total",
      help: "Compensations that failed after their retries (the run is compensation_failed and alerts), by workflow",
      labelNames: ["workflow"],
      registers,
    });
    new Gauge({
      name: "sagaflow_alerts_open",
      help: "Open alerts: runs in compensation_failed waiting for a person",
      registers,
      collect() {
        this.set(options.openAlerts());
      },
    });
    this.#commitSeconds = new Histogram({
      name: "sagaflow_store_commit_duration_seconds",
      help: "Latency of the store's commits (one transaction: a run's new events and checkpoint), by outcome",
      labelNames: ["outcome"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const depth = () => this.#queueDepth();
    new Gauge({
      name: "sagaflow_worker_queue_depth",
      help: "Action attempts waiting for a worker slot",
      registers,
      collect() {
        this.set(depth());
      },
    });
    const running = () => this.#runningActions();
    new Gauge({
      name: "sagaflow_worker_running_actions",
      help: "Action handlers running now",
      registers,
      collect() {
        this.set(running());
      },
    });
  }

  /** Where the worker queue depth comes from (the server's slots; a worker pool wires its own here). */
  setWorkerSource(source: { queued: () => number; running?: () => number }): void {
    this.#queueDepth = source.queued;
    if (source.running) this.#runningActions = source.running;
  }

  /** Times one store commit; the store decorator (instrumented-store.ts) calls it. */
  observeCommit(seconds: number, ok: boolean): void {
    this.#commitSeconds.observe({ outcome: ok ? "ok" : "error" }, seconds);
  }

  /** Runs already in progress when the server starts (for sagaflow_runs_in_progress). */
  async loadRunsInProgress(store: Pick<RunStore, "listRuns">): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({
        status: [...IN_PROGRESS_STATUSES],
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      for (const run of page.runs) this.#inProgress.set(run.id, run.status);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** EngineOptions.onEvent. */
  onEvent(stored: StoredEvent<RunEvent>, run: RunRecord<RunSnapshot>): void {
    const workflow = run.workflow;
    const event = stored.event;
    switch (event.type) {
      case "RunStarted":
        this.#runsStarted.inc({ workflow });
        this.#inProgress.set(run.id, "running");
        break;
      case "StepSucceeded":
        this.#attempt(workflow, event.stateId, "task", "succeeded", event.durationMs);
        break;
      case "StepAttemptFailed":
        this.#attempt(workflow, event.stateId, "task", "failed", event.durationMs);
        break;
      case "StepTimedOut":
        this.#attempt(workflow, event.stateId, "task", "timed_out", event.timeoutMs);
        break;
      case "CompensationStepSucceeded":
        this.#attempt(workflow, event.compensationStateId, "compensation", "succeeded", event.durationMs);
        this.#compensationsRun.inc({ workflow });
        break;
      case "CompensationStepFailed":
        this.#attempt(
          workflow,
          event.compensationStateId,
          "compensation",
          event.timedOut ? "timed_out" : "failed",
          event.durationMs,
        );
        break;
      case "CompensationFailed":
        this.#compensationsRun.inc({ workflow });
        this.#compensationsFailed.inc({ workflow });
        break;
      case "StateEntered":
      case "StepAttemptStarted":
      case "StepAttemptAbandoned":
      case "StepFailed":
      case "StepWarned":
      case "StepResolved":
      case "ChoiceTaken":
      case "TimerStarted":
      case "TimerFired":
      case "SignalAwaited":
      case "SignalReceived":
      case "ParallelStarted":
      case "BranchCompleted":
      case "BranchFailed":
      case "ParallelCompleted":
      case "MapStarted":
      case "IterationStarted":
      case "IterationCompleted":
      case "IterationFailed":
      case "MapCompleted":
      case "ScopeCanceled":
      case "CompensationStarted":
      case "CompensationStepStarted":
      case "CompensationStepResolved":
      case "CompensationRetried":
      case "RunSucceeded":
      case "RunFailed":
      case "RunCompensated":
      case "RunSuspended":
      case "RunResumed":
      case "RunCanceled":
      case "HistoryRestored":
      case "RunMovedToVersion":
        break; // not counted on their own: the run's status below covers them
      default:
        assertNever(event, "run event");
    }
    // The run's status after the commit: the record is the same for every event of one commit.
    if (stored.seq !== run.lastSeq) return;
    if (isTerminalStatus(run.status)) {
      if (this.#inProgress.delete(run.id)) this.#runsEnded.inc({ workflow, status: run.status });
    } else {
      this.#inProgress.set(run.id, run.status);
    }
  }

  #attempt(workflow: string, state: string, kind: string, outcome: string, ms: number): void {
    this.#attemptSeconds.observe({ workflow, state, kind, outcome }, ms / 1000);
  }
}

const IN_PROGRESS_STATUSES: readonly RunStatus[] = [
  "running",
  "waiting",
  "compensating",
  "suspended",
  "compensation_failed",
];
