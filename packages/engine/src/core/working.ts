import type { JsonValue, RunError, RunEvent, RunSnapshot, ScopeSnapshot } from "@sagaflow/shared";
import { cloneSnapshot } from "./clone-snapshot";
import type { DefinitionIndex } from "./definition-index";
import {
  type BatchEvaluator,
  batchOf,
  evaluateValue,
  firstTrueRule,
  type MaybePromise,
} from "./expression-batch";
import type { ExpressionBindings } from "./expressions";
import { applyEvent } from "./fold";
import { attemptId } from "./names";
import type { Command, DecideContext } from "./types";

/**
 * The scratch pad of one decision: every event is folded into the working snapshot the moment it is
 * emitted, so the rest of the decision sees its effect and the final snapshot is exactly the fold.
 */
export class Working {
  readonly events: RunEvent[] = [];
  readonly commands: Command[] = [];
  readonly at: string;
  /** How this decision's expressions are evaluated: a state's at once. */
  private readonly batch: BatchEvaluator;
  private current: RunSnapshot | undefined;

  constructor(
    snapshot: RunSnapshot | undefined,
    readonly index: DefinitionIndex,
    readonly context: DecideContext,
  ) {
    // The caller's snapshot is never changed: the decision folds into a copy sharing the unchanged data.
    this.current = snapshot === undefined ? undefined : cloneSnapshot(snapshot);
    this.at = context.at ?? new Date(context.now).toISOString();
    this.batch = context.evaluateBatch ?? batchOf(context.evaluate);
  }

  get snapshot(): RunSnapshot {
    if (!this.current) throw new Error("The run has not started");
    return this.current;
  }

  get started(): boolean {
    return this.current !== undefined;
  }

  emit(event: RunEvent): void {
    this.current = applyEvent(this.current, event, this.at);
    this.events.push(event);
    if (event.type === "StepAttemptStarted" || event.type === "CompensationStepStarted") {
      // A copy of its fields: the fold replaces in-flight records, never edits them, and params are shared.
      const attempt = this.current.inFlight[attemptId(event.idempotencyKey, event.attempt)];
      if (attempt) this.commands.push({ type: "runAttempt", attempt: { ...attempt } });
    }
  }

  command(command: Command): void {
    this.commands.push(command);
  }

  /** An ISO time `ms` from now. */
  later(ms: number): string {
    return new Date(this.context.now + ms).toISOString();
  }

  scope(id: string): ScopeSnapshot {
    const scope = this.snapshot.scopes[id];
    if (!scope) throw new Error(`Run ${this.snapshot.runId} has no scope "${id}"`);
    return scope;
  }

  bindings(scopeId: string, overrides: Partial<ExpressionBindings> = {}): ExpressionBindings {
    const s = this.snapshot;
    const bindings: ExpressionBindings = {
      input: s.input,
      steps: s.steps,
      run: { id: s.runId, workflow: s.workflow, version: s.version },
    };
    for (let scope: ScopeSnapshot | undefined = s.scopes[scopeId]; scope; ) {
      if (bindings.error === undefined && scope.error) bindings.error = scope.error;
      if (scope.index !== undefined && bindings.index === undefined) {
        bindings.index = scope.index;
        bindings.item = scope.item ?? null;
      }
      scope = scope.parent === null ? undefined : s.scopes[scope.parent];
    }
    return { ...bindings, ...overrides };
  }

  /**
   * Evaluates the expressions in `value` in one batch; a failure comes back as a RunError instead of a
   * throw. Synchronous when the batch is (in-thread expressions: expression-batch.ts, MaybePromise).
   */
  evaluate(value: JsonValue, bindings: ExpressionBindings): MaybePromise<Evaluated> {
    let pending: MaybePromise<JsonValue>;
    try {
      pending = evaluateValue(value, bindings, this.batch);
    } catch (error) {
      return { ok: false, error: toRunError(error) };
    }
    if (!(pending instanceof Promise)) return { ok: true, value: pending };
    return pending.then(
      (ready): Evaluated => ({ ok: true, value: ready }),
      (error: unknown): Evaluated => ({ ok: false, error: toRunError(error) }),
    );
  }

  /**
   * The first of a choice's rules that holds (all evaluated in one batch), or undefined; throws (or
   * rejects) on an error.
   */
  firstTrueRule(whens: readonly string[], bindings: ExpressionBindings): MaybePromise<number | undefined> {
    return firstTrueRule(whens, bindings, this.batch);
  }
}

/** An evaluated value, or the error that stopped it. */
export type Evaluated = { ok: true; value: JsonValue } | { ok: false; error: RunError };

export function toRunError(error: unknown): RunError {
  if (error instanceof Error) return { error: error.name || "Error", message: error.message };
  return { error: "Error", message: String(error) };
}
