import type { RunSnapshot, RunStatus } from "@sagaflow/shared";
import type { Client } from "./client";
import { ledgerHas } from "./ledger";
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
  /** A race-canceled run (plan.cancel.race) was resumed from `canceled`. */
  redriven: boolean;
  /** Operator calls made because a crash left a non-idempotent step with an unknown outcome. */
  resumes: number;
  resolved: boolean;
  finished: boolean;
}

/**
 * Statuses a run may still leave, by itself or through the harness's operator calls (a canceled run is
 * redriven when its plan says so).
 */
const OPEN_STATUSES: RunStatus[] = [
  "running",
  "waiting",
  "compensating",
  "suspended",
  "compensation_failed",
  "canceled",
];

/** How long and how often a race run is watched for the moment to cancel it. */
const RACE_WATCH_MS = 5_000;
const RACE_POLL_MS = 20;

export interface DriverStats {
  calls: number;
  failedCalls: number;
  resumes: number;
}

export class Driver {
  readonly runs: TrackedRun[];
  readonly stats: DriverStats = { calls: 0, failedCalls: 0, resumes: 0 };

  /** `ledgerFile`: where the server's actions write, read when a person must say whether a write happened. */
  constructor(
    plans: RunPlan[],
    private readonly ledgerFile: string,
  ) {
    this.runs = plans.map((plan) => ({
      plan,
      released: false,
      start: "pending",
      runId: null,
      startedAt: 0,
      signals: plan.signals.map((signal) => ({ plan: signal, state: "pending" })),
      canceled: false,
      redriven: false,
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
      return;
    }
    if (run.plan.cancel?.race) void this.raceCancel(client, run);
  }

  /**
   * Watches a race run closely (a tick can take a second under load) and cancels it the moment its race
   * state's attempt is in flight. A kill or a missed moment leaves it to the ticks: they cancel it once it
   * waits, or when they see the attempt in flight.
   */
  private async raceCancel(client: Client, run: TrackedRun): Promise<void> {
    const deadline = Date.now() + RACE_WATCH_MS;
    try {
      while (!run.canceled && Date.now() < deadline) {
        const { run: record } = await this.call(() => client.runs.get.query({ runId: run.runId as string }));
        if (record.status !== "running" && record.status !== "waiting") return;
        if (await this.cancelNow(client, run, record.status)) {
          await this.call(() => client.runs.cancel.mutate({ runId: run.runId as string, compensate: false }));
          run.canceled = true;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RACE_POLL_MS));
      }
    } catch {
      // The server went down: the ticks take over.
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
    const race = run.plan.cancel?.race;
    try {
      if (status === "canceled") {
        if (!race || run.redriven) {
          run.finished = true;
          return;
        }
        await this.call(() => client.runs.resume.mutate({ runId }));
        run.canceled = true; // a cancel whose answer a kill cut off counts as made
        run.redriven = true;
        return;
      }
      // A suspended run takes no signal: a person looks at it first (before any signal is sent).
      if (status === "suspended") {
        const { run: record } = await this.call(() => client.runs.get.query({ runId }));
        const suspension = (record.snapshot as RunSnapshot).suspension;
        // crash_loop: the torture's own kills hit one step three times, which a person sees is no poison.
        if (suspension?.reason !== "outcome_unknown" && suspension?.reason !== "crash_loop") {
          run.finished = true; // nothing a retry can fix: the invariants report it
          return;
        }
        if (race && suspension.stateId === race && ledgerHas(this.ledgerFile, runId, race)) {
          // The person looked: the write happened. Marked done, it is never written again.
          await this.call(() => client.runs.resolveStep.mutate({ runId, output: { wrote: "by hand" } }));
        } else {
          // The person's choice for an interrupted step that did not write (or has no effect): run it again.
          await this.call(() => client.runs.resume.mutate({ runId }));
        }
        run.resumes += 1;
        this.stats.resumes += 1;
        return;
      }
      if (!race || run.redriven) {
        for (const signal of run.signals) await this.sendSignal(client, run, signal);
      }
      if (run.plan.cancel && !run.canceled && (await this.cancelNow(client, run, status))) {
        await this.call(() =>
          client.runs.cancel.mutate({ runId, compensate: run.plan.cancel?.compensate ?? false }),
        );
        run.canceled = true;
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

  /** A plain cancel waits for the run to wait; a race cancel strikes while its state's attempt is in flight. */
  private async cancelNow(client: Client, run: TrackedRun, status: RunStatus): Promise<boolean> {
    if (status === "waiting") return true;
    const race = run.plan.cancel?.race;
    if (!race || status !== "running") return false;
    const { run: record } = await this.call(() => client.runs.get.query({ runId: run.runId as string }));
    const inFlight = Object.values((record.snapshot as RunSnapshot).inFlight);
    return inFlight.some((attempt) => attempt.stateId === race && !attempt.canceling);
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
