import { checkPayload, type InFlightAttempt, type PayloadLimits } from "@sagaflow/shared";
import type { Trigger } from "../../core/types";
import type { Clock } from "../clock";
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
    const { clock, slots } = this.options;
    const startedAt = clock.now();
    const running: RunningAttempt = {
      controller: new AbortController(),
      timer: null,
      settled: false,
      began: false,
    };
    this.abort(live, attempt.id, "superseded");
    live.attempts.set(attempt.id, running);
    if (this.closed) return; // decided while closing: it never begins, and close records it abandoned
    const durationMs = () => clock.now() - startedAt;
    const deadline = Date.now() + attempt.timeoutMs;
    let holdsSlot = false;
    // The slot is freed once the result is queued, so a worker waiting for idle slots (shutdown) knows
    // every finished handler's result will be committed.
    const finish = (trigger: Trigger) => {
      if (!running.settled) {
        running.settled = true;
        if (running.timer) clock.clearTimer(running.timer);
        live.attempts.delete(attempt.id);
        if (!live.broken && !this.closed) this.options.settle(live, trigger);
      }
      if (holdsSlot) slots?.release(live.record.workflow);
      holdsSlot = false;
    };
    running.timer = clock.setTimer(attempt.timeoutMs, () => {
      running.controller.abort(
        Object.assign(new Error(`timed out after ${attempt.timeoutMs} ms`), { name: "Timeout" }),
      );
      finish({ type: "attemptTimedOut", attemptId: attempt.id, durationMs: durationMs() });
    });
    const begin = async (): Promise<AttemptOutcome> => {
      const params = checkPayload(attempt.params, this.options.limits, `the params of ${attempt.stateId}`);
      if (!params.ok)
        return { ok: false, error: { name: "PayloadLimitExceeded", message: params.reason, fatal: true } };
      if (slots) {
        await slots.acquire(running.controller.signal, live.record.workflow);
        holdsSlot = true;
      }
      // Settled while queued (timed out, canceled, abandoned at close): it never begins.
      if (running.settled) throw new Error("the attempt ended before it began");
      running.began = true;
      const traceparent = this.options.traceparentFor?.(live, attempt.id);
      const outcome = await this.options.executor.execute(
        {
          runId: live.id,
          stateId: attempt.stateId,
          attempt: attempt.attempt,
          idempotencyKey: attempt.idempotencyKey,
          action: attempt.action,
          params: attempt.params,
          timeoutMs: attempt.timeoutMs,
          deadline,
          ...(traceparent === undefined ? {} : { traceparent }),
        },
        running.controller.signal,
      );
      if (!outcome.ok) return outcome;
      const output = checkPayload(outcome.output, this.options.limits, `the output of ${attempt.stateId}`);
      return output.ok
        ? outcome
        : { ok: false, error: { name: "PayloadLimitExceeded", message: output.reason, fatal: false } };
    };
    begin().then(
      (outcome) =>
        finish(
          outcome.ok
            ? {
                type: "attemptSucceeded",
                attemptId: attempt.id,
                output: outcome.output,
                durationMs: durationMs(),
              }
            : {
                type: "attemptFailed",
                attemptId: attempt.id,
                error: { error: outcome.error.name, message: outcome.error.message },
                fatal: outcome.error.fatal,
                durationMs: durationMs(),
              },
        ),
      (error: unknown) =>
        finish({
          type: "attemptFailed",
          attemptId: attempt.id,
          error: { error: "Error", message: error instanceof Error ? error.message : String(error) },
          fatal: false,
          durationMs: durationMs(),
        }),
    );
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
