import type { RunSnapshot, RunStatus } from "@sagaflow/shared";
import type { Client } from "./client";
import { inputAt, type RunPlan, type SignalPlan, type WorkflowName } from "./mix";

/**
 * Drives the planned runs against whichever server is up, as a careful client would: every call may be
 * cut off by a kill, so each one is made idempotent by reading back what the server committed before it
 * is sent again (a start is found by its tag, a signal in the history, a cancel in the status).
 */

type CallState = "pending" | "unsure" | "done";

interface TrackedSignal {
  plan: SignalPlan;
  state: CallState;
}

export interface TrackedRun {
  plan: RunPlan;
  released: boolean;
  start: CallState;
  runId: string | null;
  startedAt: number;
  signals: TrackedSignal[];
  canceled: boolean;
  /** Operator calls made because a crash left a non-idempotent step with an unknown outcome. */
  resumes: number;
  resolved: boolean;
  finished: boolean;
}

/** Statuses a run may still leave, by itself or through the harness's operator calls. */
const OPEN_STATUSES: RunStatus[] = ["running", "waiting", "compensating", "suspended", "compensation_failed"];

export interface DriverStats {
  calls: number;
  failedCalls: number;
  resumes: number;
}

export class Driver {
  readonly runs: TrackedRun[];
  readonly stats: DriverStats = { calls: 0, failedCalls: 0, resumes: 0 };

  constructor(plans: RunPlan[]) {
    this.runs = plans.map((plan) => ({
      plan,
      released: false,
      start: "pending",
      runId: null,
      startedAt: 0,
      signals: plan.signals.map((signal) => ({ plan: signal, state: "pending" })),
      canceled: false,
      resumes: 0,
      resolved: false,
      finished: false,
    }));
  }

  /** Lets the next `count` runs start. */
  release(count: number): void {
    for (const run of this.runs) {
      if (count <= 0) return;
      if (!run.released) {
        run.released = true;
        count -= 1;
      }
    }
  }

  get allReleased(): boolean {
    return this.runs.every((run) => run.released);
  }

  get allFinished(): boolean {
    return this.runs.every((run) => run.finished);
  }

  get unfinished(): TrackedRun[] {
    return this.runs.filter((run) => !run.finished);
  }

  /** One pass: start what is released, then read the open runs and make the calls they need. */
  async tick(client: Client): Promise<void> {
    await Promise.all(
      this.runs
        .filter((run) => run.released && run.start !== "done")
        .map((run) => this.startRun(client, run)),
    );
    const known = this.runs.filter((run) => run.runId !== null && !run.finished);
    if (known.length === 0) return;
    const open = await this.openRuns(client);
    await Promise.all(
      known.map(async (run) => {
        const status = open.get(run.runId as string);
        if (status === undefined) {
          run.finished = true; // ended by itself: nothing a person needs to do
          return;
        }
        await this.act(client, run, status);
      }),
    );
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    this.stats.calls += 1;
    try {
      return await work();
    } catch (error) {
      this.stats.failedCalls += 1;
      throw error;
    }
  }

  private async startRun(client: Client, run: TrackedRun): Promise<void> {
    if (run.start === "unsure") {
      const found = await this.findByTag(client, run.plan.workflow, run.plan.tag).catch(() => undefined);
      if (found === undefined) return; // the server is down: ask again next time
      if (found !== null) {
        run.runId = found;
        run.start = "done";
        run.startedAt = Date.now();
        return;
      }
      run.start = "pending";
    }
    try {
      const { runId } = await this.call(() =>
        client.runs.start.mutate({ name: run.plan.workflow, input: inputAt(run.plan, Date.now()) }),
      );
      run.runId = runId;
      run.start = "done";
      run.startedAt = Date.now();
    } catch {
      run.start = "unsure";
    }
  }

  /** The run started with this tag: its id, null if there is none, undefined if the server did not answer. */
  private async findByTag(client: Client, workflow: WorkflowName, tag: string): Promise<string | null> {
    let cursor: string | undefined;
    do {
      const page = await this.call(() =>
        client.runs.list.query({ workflow, limit: 500, ...(cursor ? { cursor } : {}) }),
      );
      for (const summary of page.runs) {
        const { run } = await this.call(() => client.runs.get.query({ runId: summary.id }));
        const input = (run.snapshot as RunSnapshot).input as { tag?: string } | null;
        if (input?.tag === tag) return summary.id;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return null;
  }

  private async openRuns(client: Client): Promise<Map<string, RunStatus>> {
    const open = new Map<string, RunStatus>();
    let cursor: string | undefined;
    do {
      const page = await this.call(() =>
        client.runs.list.query({ status: OPEN_STATUSES, limit: 500, ...(cursor ? { cursor } : {}) }),
      );
      for (const summary of page.runs) open.set(summary.id, summary.status);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return open;
  }

  private async act(client: Client, run: TrackedRun, status: RunStatus): Promise<void> {
    const runId = run.runId as string;
    try {
      for (const signal of run.signals) await this.sendSignal(client, run, signal);
      if (run.plan.cancel && !run.canceled && status === "waiting") {
        await this.call(() =>
          client.runs.cancel.mutate({ runId, compensate: run.plan.cancel?.compensate ?? false }),
        );
        run.canceled = true;
      } else if (status === "suspended") {
        const { run: record } = await this.call(() => client.runs.get.query({ runId }));
        const suspension = (record.snapshot as RunSnapshot).suspension;
        if (suspension?.reason !== "outcome_unknown") {
          run.finished = true; // nothing a retry can fix: the invariants report it
          return;
        }
        // The person's choice for an interrupted step that is not idempotent: run it again.
        await this.call(() => client.runs.resume.mutate({ runId }));
        run.resumes += 1;
        this.stats.resumes += 1;
      } else if (status === "compensation_failed") {
        if (!run.plan.resolve) {
          run.finished = true;
          return;
        }
        await this.call(() => client.runs.resolveStep.mutate({ runId, output: { resolvedBy: "torture" } }));
        run.resolved = true;
      }
    } catch {
      // Cut off or refused: the next tick reads the run again and decides afresh.
    }
  }

  private async sendSignal(client: Client, run: TrackedRun, signal: TrackedSignal): Promise<void> {
    const runId = run.runId as string;
    if (signal.state === "done" || Date.now() - run.startedAt < signal.plan.afterMs) return;
    if (signal.state === "unsure") {
      signal.state = (await this.signalReceived(client, runId, signal.plan.name)) ? "done" : "pending";
      if (signal.state === "done") return;
    }
    signal.state = "unsure";
    await this.call(() =>
      client.runs.signal.mutate({ runId, name: signal.plan.name, payload: signal.plan.payload }),
    );
    signal.state = "done";
  }

  private async signalReceived(client: Client, runId: string, name: string): Promise<boolean> {
    let afterSeq = 0;
    for (;;) {
      const page = await this.call(() => client.runs.history.query({ runId, afterSeq, limit: 1000 }));
      for (const stored of page.events) {
        const event = stored.event as { type: string; signal?: string };
        if (event.type === "SignalReceived" && event.signal === name) return true;
      }
      if (page.nextSeq === null) return false;
      afterSeq = page.nextSeq;
    }
  }
}
