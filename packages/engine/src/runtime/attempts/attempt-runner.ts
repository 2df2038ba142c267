import { checkPayload, type InFlightAttempt, type PayloadLimits } from "@sagaflow/shared";
import type { Trigger } from "../../core/types";
import type { Clock, TimerHandle } from "../clock";
import type { LiveRun, RunningAttempt } from "../live-run";
import type { AttemptExecutor, AttemptOutcome } from "./attempt-executor";

/**
 * Admission of action handlers (a worker's concurrency limit). The runner takes a slot right before it
 * hands an attempt to the executor, so it knows which attempts never began: a graceful close records those
 * as abandoned and recovery runs them again, instead of treating them as outcome unknown.
 */
export interface ActionSlots {
  /**
   * Resolves when a handler may run; rejects when `signal` aborts first (timeout, cancel, close). `workflow`
   * names the run's workflow, for a per-workflow limit; the same name comes back to `release`.
   */
  acquire(signal: AbortSignal, workflow?: string): Promise<void>;
  release(workflow?: string): void;
}

export interface AttemptRunnerOptions {
  executor: AttemptExecutor;
  clock: Clock;
  slots?: ActionSlots | undefined;
  /** Where a settled attempt's result goes: the run's trigger queue. */
  settle(live: LiveRun, trigger: Trigger): void;
  /** Params (after expressions) and outputs over these fail the attempt: they never reach the store. */
  limits: PayloadLimits;
  /** The W3C traceparent an attempt hands its action. */
  traceparentFor?: ((live: LiveRun, attemptId: string) => string | undefined) | undefined;
}

/**
 * Carries out `runAttempt` and `cancelAttempt` commands: the attempt's timeout, its slot, its abort, and
 * its outcome turned into a trigger. What runs the action is the executor's business.
 */
export class AttemptRunner {
  closed = false;

  constructor(private readonly options: AttemptRunnerOptions) {}

  run(live: LiveRun, attempt: InFlightAttempt): void {
    this.abort(live, attempt.id, "superseded");
    const running = new AttemptInFlight(this.options, this, live, attempt);
    live.attempts.set(attempt.id, running);
    if (this.closed) return; // decided while closing: it never begins, and close records it abandoned
    running.start();
  }

  /** Aborts the attempt and forgets it: its result, if it ever comes, is dropped. */
  abort(live: LiveRun, attemptId: string, reason: string): void {
    const running = live.attempts.get(attemptId);
    if (!running) return;
    running.settled = true;
    if (running.timer) this.options.clock.clearTimer(running.timer);
    live.attempts.delete(attemptId);
    running.controller.abort(Object.assign(new Error(reason), { name: "AbortError" }));
  }

  /**
   * Aborts the attempt's signal but keeps waiting for it: its result, or its timeout, still comes back as a
   * trigger (cancellation is cooperative; a write that outraced the abort must be compensated).
   */
  signalAbort(live: LiveRun, attemptId: string, reason: string): void {
    live.attempts.get(attemptId)?.controller.abort(Object.assign(new Error(reason), { name: "AbortError" }));
  }
}

/**
 * One attempt from its start to its trigger: its timeout, its slot, the executor's outcome checked
 * against the payload limits. A class rather than closures: an attempt is made for every step.
 */
class AttemptInFlight implements RunningAttempt {
  readonly controller = new AbortController();
  timer: TimerHandle | null = null;
  settled = false;
  began = false;
  private holdsSlot = false;
  private readonly startedAt: number;
  /** When the engine gives up on it (real time), set when it was scheduled. */
  private readonly deadline: number;

  constructor(
    private readonly options: AttemptRunnerOptions,
    private readonly runner: AttemptRunner,
    private readonly live: LiveRun,
    private readonly attempt: InFlightAttempt,
  ) {
    this.startedAt = options.clock.now();
    this.deadline = Date.now() + attempt.timeoutMs;
  }

  start(): void {
    let outcome: Promise<AttemptOutcome> | AttemptOutcome;
    try {
      outcome = this.begin();
    } catch (error) {
      this.finish(this.crashed(error));
      return;
    }
    // Settled at once (an in-process built-in such as transform): no timeout to arm, no promise to wait on.
    if (!(outcome instanceof Promise)) {
      this.finish(this.triggerOf(outcome));
      return;
    }
    this.timer = this.options.clock.setTimer(this.attempt.timeoutMs, () => this.timedOut());
    outcome.then(
      (settled) => this.finish(this.triggerOf(settled)),
      (error: unknown) => this.finish(this.crashed(error)),
    );
  }

  private crashed(error: unknown): Trigger {
    return {
      type: "attemptFailed",
      attemptId: this.attempt.id,
      error: { error: "Error", message: error instanceof Error ? error.message : String(error) },
      fatal: false,
      durationMs: this.durationMs(),
    };
  }

  private durationMs(): number {
    return this.options.clock.now() - this.startedAt;
  }

  private timedOut(): void {
    const { timeoutMs, id } = this.attempt;
    this.controller.abort(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { name: "Timeout" }));
    this.finish({ type: "attemptTimedOut", attemptId: id, durationMs: this.durationMs() });
  }

  /**
   * The slot is freed once the result is queued, so a worker waiting for idle slots (shutdown) knows
   * every finished handler's result will be committed.
   */
  private finish(trigger: Trigger): void {
    if (!this.settled) {
      this.settled = true;
      if (this.timer) this.options.clock.clearTimer(this.timer);
      this.live.attempts.delete(this.attempt.id);
      if (!this.live.broken && !this.runner.closed) this.options.settle(this.live, trigger);
    }
    if (this.holdsSlot) this.options.slots?.release(this.live.record.workflow);
    this.holdsSlot = false;
  }

  /**
   * The attempt's outcome: at once when nothing waits (no slots to take, an executor that answers
   * synchronously), else a promise. Throws (or rejects) only if it ended before it began.
   */
  private begin(): Promise<AttemptOutcome> | AttemptOutcome {
    const { attempt, options } = this;
    const params = checkPayload(attempt.params, options.limits, `the params of ${attempt.stateId}`);
    if (!params.ok)
      return { ok: false, error: { name: "PayloadLimitExceeded", message: params.reason, fatal: true } };
    return options.slots ? this.admitted(options.slots) : this.execute();
  }

  /** Takes a slot first (a worker's concurrency limit), then executes. */
  private async admitted(slots: ActionSlots): Promise<AttemptOutcome> {
    await slots.acquire(this.controller.signal, this.live.record.workflow);
    this.holdsSlot = true;
    return this.execute();
  }

  private execute(): Promise<AttemptOutcome> | AttemptOutcome {
    const { attempt, options, live } = this;
    // Settled while queued (timed out, canceled, abandoned at close): it never begins.
    if (this.settled) throw new Error("the attempt ended before it began");
    this.began = true;
    const traceparent = options.traceparentFor?.(live, attempt.id);
    const outcome = options.executor.execute(
      {
        runId: live.id,
        stateId: attempt.stateId,
        attempt: attempt.attempt,
        idempotencyKey: attempt.idempotencyKey,
        action: attempt.action,
        params: attempt.params,
        timeoutMs: attempt.timeoutMs,
        deadline: this.deadline,
        ...(traceparent === undefined ? {} : { traceparent }),
      },
      // The controller, not its signal: the signal is made only if the executor or the action reads it.
      this.controller,
    );
    return outcome instanceof Promise
      ? outcome.then((settled) => this.checked(settled))
      : this.checked(outcome);
  }

  /** An outcome whose output is over the payload limits fails the attempt: it never reaches the store. */
  private checked(outcome: AttemptOutcome): AttemptOutcome {
    if (!outcome.ok) return outcome;
    const output = checkPayload(outcome.output, this.options.limits, `the output of ${this.attempt.stateId}`);
    return output.ok
      ? outcome
      : { ok: false, error: { name: "PayloadLimitExceeded", message: output.reason, fatal: false } };
  }

  private triggerOf(outcome: AttemptOutcome): Trigger {
    const { id } = this.attempt;
    return outcome.ok
      ? { type: "attemptSucceeded", attemptId: id, output: outcome.output, durationMs: this.durationMs() }
      : {
          type: "attemptFailed",
          attemptId: id,
          error: { error: outcome.error.name, message: outcome.error.message },
          fatal: outcome.error.fatal,
          durationMs: this.durationMs(),
        };
  }
}
