import { assertNever, type StoredEvent } from "@sagaflow/engine";
import type { RunError, RunEvent, RunStatus } from "@sagaflow/shared";
import { attemptSpanKey } from "./trace-ids";

/**
 * The spans of one run, derived from its committed events alone (no I/O, no SDK): each event yields span
 * operations. Being a function of the history, it gives the same spans, with the same keys, when a new
 * process replays the history of a run that survived a crash; only spans still open need starting again.
 *
 * The tree:
 *   run <workflow>                         RunStarted → the run stops (terminal, suspended, compensation failed)
 *   ├─ state <id>                          a state visit: StateEntered → leaving it
 *   │  ├─ attempt <id>                     StepAttemptStarted → succeeded / failed / timed out
 *   │  ├─ wait <id> / signal <name>        a wait state's timer, a signal state's wait
 *   │  └─ branch <name> / iteration <i>    parallel branches and map iterations, holding their visits
 *   ├─ compensation                        CompensationStarted → the chain ends
 *   │  └─ compensate <task>                one entry, linked to the task visit it undoes, in order
 *   │     └─ attempt <compensation>
 *   └─ (resumed later) resume <workflow>   a person's resume / retry / resolve continues the trace
 */

export type Attributes = Record<string, string | number | boolean>;
export type SpanStatus = "ok" | "error" | "unset";

export interface SpanStart {
  key: string;
  /** null: the run span, whose parent is the caller's traceparent, if any. */
  parentKey: string | null;
  name: string;
  at: string;
  attributes: Attributes;
  links: { key: string; attributes: Attributes }[];
}

export type SpanOp =
  | { op: "start"; span: SpanStart }
  | { op: "end"; key: string; at: string; status: SpanStatus; message?: string; attributes: Attributes }
  | { op: "event"; key: string; name: string; at: string; attributes: Attributes }
  | { op: "set"; key: string; attributes: Attributes };

/** The run as it stands after an event (given for the last event of each commit). */
export interface RunAfter {
  status: RunStatus;
  error: RunError | null;
}

/** Statuses in which the run waits for nothing by itself: its span ends there. */
const STOPPED: ReadonlySet<RunStatus> = new Set([
  "succeeded",
  "failed",
  "compensated",
  "compensation_failed",
  "suspended",
  "canceled",
]);

export const RUN_SPAN_KEY = "run";

const visitKey = (scope: string, stateId: string, visit: number) => `visit:${scope}|${stateId}#${visit}`;
const scopeKey = (scope: string) => `scope:${scope}`;
const entryKey = (scope: string, taskStateId: string, visit: number) =>
  `compensate:${scope}|${taskStateId}#${visit}`;

const errorText = (error: RunError) => `${error.error}: ${error.message}`;
const errorAttributes = (error: RunError): Attributes => ({ "error.type": error.error });
const exceptionEvent = (key: string, at: string, error: RunError): SpanOp => ({
  op: "event",
  key,
  name: "exception",
  at,
  attributes: { "exception.type": error.error, "exception.message": error.message },
});

interface OpenSpan {
  start: SpanStart;
  /** The scope a visit or scope span belongs to, so leaving a scope ends what it holds. */
  scope: string | undefined;
}

export class RunTrace {
  readonly #open = new Map<string, OpenSpan>();
  readonly #base: Attributes;
  /** How often a key was used: a key used again (a compensation retried) gets a suffix, `~1`, `~2`… */
  readonly #used = new Map<string, number>();
  /** Base key → the key of its span now open. */
  readonly #current = new Map<string, string>();
  #segment: string | null = null;
  #chain: string | null = null;
  #order = 0;
  #ops: SpanOp[] = [];

  constructor(run: { id: string; workflow: string; version: number }) {
    this.#base = {
      "sagaflow.run.id": run.id,
      "sagaflow.workflow.name": run.workflow,
      "sagaflow.workflow.version": run.version,
    };
  }

  /** No span is open: the run has stopped (its state can be dropped; a later event replays the history). */
  get idle(): boolean {
    return this.#open.size === 0;
  }

  /** The open spans, parents before children (start order). */
  openSpans(): SpanStart[] {
    return [...this.#open.values()].map((span) => span.start);
  }

  apply(stored: StoredEvent<RunEvent>, after?: RunAfter): SpanOp[] {
    this.#ops = [];
    const { event, at } = stored;
    if (this.#segment === null) this.#openSegment(stored);
    this.#handle(event, at);
    if (after && STOPPED.has(after.status) && this.#segment !== null) this.#stop(at, after);
    return this.#ops;
  }

  #handle(event: RunEvent, at: string): void {
    switch (event.type) {
      case "RunStarted":
        return;
      case "RunResumed":
        this.#set(this.#segment, {
          "sagaflow.resumed.by": event.by,
          "sagaflow.resumed.from": event.from,
        });
        return;
      case "StateEntered": {
        this.#leaveScope(event.scope, at);
        this.#start(visitKey(event.scope, event.stateId, event.visit), this.#scopeParent(event.scope), {
          name: `state ${event.stateId}`,
          at,
          scope: event.scope,
          attributes: {
            "sagaflow.state.id": event.stateId,
            "sagaflow.state.type": event.stateType,
            "sagaflow.visit": event.visit,
            ...(event.scope ? { "sagaflow.scope": event.scope } : {}),
            ...(event.error ? { "sagaflow.caught.error": event.error.error } : {}),
          },
        });
        return;
      }
      case "StepAttemptStarted":
      case "CompensationStepStarted": {
        const stateId = event.type === "StepAttemptStarted" ? event.stateId : event.compensationStateId;
        const parent =
          event.type === "StepAttemptStarted"
            ? this.#openKey(visitKey(event.scope, event.stateId, event.visit))
            : this.#compensationEntry(event, at);
        const key = attemptSpanKey(`${event.idempotencyKey}#${event.attempt}`);
        if (this.#current.has(key)) {
          // The same attempt run again after a restart (or after being abandoned): one span covers it.
          this.#event(key, "recovered", at, {});
          return;
        }
        this.#start(key, parent ?? this.#scopeParent(event.scope), {
          name: `attempt ${stateId}`,
          at,
          attributes: {
            "sagaflow.state.id": stateId,
            "sagaflow.attempt": event.attempt,
            "sagaflow.idempotency_key": event.idempotencyKey,
            "sagaflow.action": event.action,
            "sagaflow.attempt.timeout_ms": event.timeoutMs,
            ...(event.recovered ? { "sagaflow.attempt.recovered": true } : {}),
          },
        });
        return;
      }
      case "StepAttemptAbandoned":
        this.#event(this.#attempt(event), "abandoned", at, { "sagaflow.reason": event.reason });
        return;
      case "StepAttemptFailed": {
        const key = this.#attempt(event);
        if (key) this.#ops.push(exceptionEvent(key, at, event.error));
        this.#end(key, at, "error", errorText(event.error), {
          ...errorAttributes(event.error),
          "sagaflow.attempt.will_retry": event.willRetry,
          ...(event.retryAt ? { "sagaflow.attempt.retry_at": event.retryAt } : {}),
        });
        return;
      }
      case "StepTimedOut":
        this.#end(this.#attempt(event), at, "error", `Timeout: after ${event.timeoutMs} ms`, {
          "error.type": "Timeout",
          "sagaflow.attempt.will_retry": event.willRetry,
          "sagaflow.attempt.next_timeout_ms": event.nextTimeoutMs,
        });
        return;
      case "StepSucceeded":
        this.#end(this.#attempt(event), at, "ok");
        this.#endVisit(event, at, "ok", undefined, { "sagaflow.attempts": event.attempt });
        return;
      case "StepFailed": {
        const key = this.#openKey(visitKey(event.scope, event.stateId, event.visit));
        if (key) this.#ops.push(exceptionEvent(key, at, event.error));
        this.#end(key, at, "error", errorText(event.error), {
          ...errorAttributes(event.error),
          "sagaflow.attempts": event.attempts,
        });
        return;
      }
      case "StepWarned":
        this.#endVisit(event, at, "unset", undefined, {
          ...errorAttributes(event.error),
          "sagaflow.state.outcome": "warned",
        });
        return;
      case "StepResolved":
        this.#endVisit(event, at, "ok", undefined, { "sagaflow.resolved_by": event.by });
        return;
      case "ChoiceTaken":
        this.#endVisit(event, at, "ok", undefined, {
          "sagaflow.choice.next": event.next,
          ...(event.label ? { "sagaflow.choice.label": event.label } : {}),
        });
        return;
      case "TimerStarted": {
        if (event.purpose !== "wait" || event.stateId === undefined) return;
        const parent = this.#openKey(visitKey(event.scope ?? "", event.stateId, event.visit ?? 1));
        this.#start(`timer:${event.timerId}`, parent ?? this.#scopeParent(event.scope ?? ""), {
          name: `wait ${event.stateId}`,
          at,
          attributes: { "sagaflow.state.id": event.stateId, "sagaflow.timer.fire_at": event.fireAt },
        });
        return;
      }
      case "TimerFired":
        this.#end(this.#openKey(`timer:${event.timerId}`), at, "ok");
        return;
      case "SignalAwaited": {
        const visit = visitKey(event.scope, event.stateId, event.visit);
        this.#start(`signal:${visit}`, this.#openKey(visit) ?? this.#scopeParent(event.scope), {
          name: `signal ${event.signal}`,
          at,
          attributes: {
            "sagaflow.state.id": event.stateId,
            "sagaflow.signal.name": event.signal,
            ...(event.timeoutAt ? { "sagaflow.signal.timeout_at": event.timeoutAt } : {}),
          },
        });
        return;
      }
      case "SignalReceived": {
        const to = event.delivered;
        if (!to) {
          this.#event(this.#segment, "signal kept", at, { "sagaflow.signal.name": event.signal });
          return;
        }
        this.#end(this.#openKey(`signal:${visitKey(to.scope, to.stateId, to.visit)}`), at, "ok", undefined, {
          "sagaflow.signal.by": event.by,
        });
        return;
      }
      case "ParallelStarted": {
        const parent = this.#openKey(visitKey(event.scope, event.stateId, event.visit));
        for (const [branch, scope] of Object.entries(event.branches)) {
          this.#start(scopeKey(scope), parent ?? this.#scopeParent(event.scope), {
            name: `branch ${branch}`,
            at,
            scope: event.scope,
            attributes: { "sagaflow.branch": branch, "sagaflow.scope": scope },
          });
        }
        return;
      }
      case "MapStarted":
        this.#set(this.#openKey(visitKey(event.scope, event.stateId, event.visit)), {
          "sagaflow.map.items": event.items.length,
        });
        return;
      case "IterationStarted": {
        const parent = this.#openKey(visitKey(event.scope, event.stateId, event.visit));
        this.#start(scopeKey(event.iterationScope), parent ?? this.#scopeParent(event.scope), {
          name: `iteration ${event.index}`,
          at,
          scope: event.scope,
          attributes: { "sagaflow.iteration": event.index, "sagaflow.scope": event.iterationScope },
        });
        return;
      }
      case "BranchCompleted":
        this.#end(this.#openKey(scopeKey(event.branchScope)), at, "ok");
        return;
      case "IterationCompleted":
        this.#end(this.#openKey(scopeKey(event.iterationScope)), at, "ok");
        return;
      case "BranchFailed":
        this.#end(this.#openKey(scopeKey(event.branchScope)), at, "error", errorText(event.error));
        return;
      case "IterationFailed":
        this.#end(this.#openKey(scopeKey(event.iterationScope)), at, "error", errorText(event.error));
        return;
      case "ScopeCanceled":
        this.#end(this.#openKey(scopeKey(event.scope)), at, "unset", undefined, {
          "sagaflow.canceled": event.reason,
        });
        return;
      case "ParallelCompleted":
      case "MapCompleted":
        this.#endVisit(event, at, "ok");
        return;
      case "CompensationStarted": {
        this.#order = 0;
        this.#chain = this.#start("compensation", this.#segment, {
          name: "compensation",
          at,
          attributes: {
            "sagaflow.compensation.cause": event.cause,
            "sagaflow.compensation.entries": event.entries,
            ...(event.error ? errorAttributes(event.error) : {}),
          },
        });
        return;
      }
      case "CompensationStepFailed":
        this.#end(this.#attempt(event), at, "error", errorText(event.error), {
          ...errorAttributes(event.error),
          "sagaflow.attempt.will_retry": event.willRetry,
          "sagaflow.attempt.timed_out": event.timedOut,
        });
        return;
      case "CompensationStepSucceeded":
        this.#end(this.#attempt(event), at, "ok");
        this.#end(this.#openKey(entryKey(event.scope, event.taskStateId, event.visit)), at, "ok");
        return;
      case "CompensationStepResolved": {
        const key = this.#compensationEntry(event, at);
        this.#end(key, at, "ok", undefined, { "sagaflow.resolved_by": event.by });
        return;
      }
      case "CompensationFailed": {
        const key = this.#openKey(entryKey(event.scope, event.taskStateId, event.visit));
        if (key) this.#ops.push(exceptionEvent(key, at, event.error));
        this.#end(key, at, "error", errorText(event.error), errorAttributes(event.error));
        this.#end(this.#chain, at, "error", errorText(event.error));
        return;
      }
      case "RunCompensated":
        this.#end(this.#chain, at, "ok");
        return;
      case "CompensationRetried":
      case "HistoryRestored":
        this.#event(this.#segment, event.type, at, { "sagaflow.by": event.by });
        return;
      case "RunCanceled":
        this.#event(this.#segment, "canceled", at, {
          "sagaflow.canceled_by": event.by,
          "sagaflow.compensate": event.compensate,
        });
        return;
      case "RunMovedToVersion":
        // What follows runs on the new version: the spans started from here say so.
        this.#base["sagaflow.workflow.version"] = event.to;
        this.#set(this.#segment, {
          "sagaflow.workflow.version": event.to,
          "sagaflow.moved.from_version": event.from,
          "sagaflow.moved.by": event.by,
        });
        return;
      case "RunSucceeded":
      case "RunFailed":
      case "RunSuspended":
        // The run span ends with the run's status (see `apply`).
        return;
      default:
        assertNever(event, "run event");
    }
  }

  /** The run span (first event) or, after the run stopped, a span for the work a person's action resumes. */
  #openSegment(stored: StoredEvent<RunEvent>): void {
    const first = stored.event.type === "RunStarted";
    const workflow = String(this.#base["sagaflow.workflow.name"]);
    this.#segment = this.#start(first ? RUN_SPAN_KEY : `resume@${stored.seq}`, first ? null : RUN_SPAN_KEY, {
      name: first ? `run ${workflow}` : `resume ${workflow}`,
      at: stored.at,
      attributes: {},
    });
  }

  /** The run stopped: everything open ends, the run span last. */
  #stop(at: string, after: RunAfter): void {
    const segment = this.#segment;
    for (const key of [...this.#open.keys()].reverse()) {
      if (key !== segment) this.#end(key, at, "unset", undefined, {});
    }
    const status: SpanStatus =
      after.status === "succeeded" ? "ok" : after.status === "canceled" ? "unset" : "error";
    const message = after.error ? errorText(after.error) : after.status;
    this.#end(segment, at, status, status === "error" ? message : undefined, {
      "sagaflow.run.status": after.status,
      ...(after.error ? errorAttributes(after.error) : {}),
    });
    this.#segment = null;
    this.#chain = null;
  }

  /** The compensation entry's span, started at its first attempt (or when resolved by hand). */
  #compensationEntry(
    event: { scope: string; taskStateId: string; compensationStateId: string; visit: number },
    at: string,
  ): string | null {
    const base = entryKey(event.scope, event.taskStateId, event.visit);
    const open = this.#openKey(base);
    if (open) return open;
    this.#order += 1;
    return this.#start(base, this.#chain ?? this.#segment, {
      name: `compensate ${event.taskStateId}`,
      at,
      attributes: {
        "sagaflow.state.id": event.taskStateId,
        "sagaflow.compensation.state": event.compensationStateId,
        "sagaflow.compensation.order": this.#order,
        "sagaflow.visit": event.visit,
        ...(event.scope ? { "sagaflow.scope": event.scope } : {}),
      },
      links: [
        {
          key: visitKey(event.scope, event.taskStateId, event.visit),
          attributes: { "sagaflow.link": "compensates" },
        },
      ],
    });
  }

  #attempt(event: { idempotencyKey: string; attempt: number }): string | null {
    return this.#openKey(attemptSpanKey(`${event.idempotencyKey}#${event.attempt}`));
  }

  #endVisit(
    event: { scope: string; stateId: string; visit: number },
    at: string,
    status: SpanStatus,
    message?: string,
    attributes: Attributes = {},
  ): void {
    this.#end(
      this.#openKey(visitKey(event.scope, event.stateId, event.visit)),
      at,
      status,
      message,
      attributes,
    );
  }

  /** A new state entered in `scope`: the visit still open there (a succeed/fail state, say) is left. */
  #leaveScope(scope: string, at: string): void {
    for (const [key, span] of this.#open) {
      if (key.startsWith("visit:") && span.scope === scope) this.#end(key, at, "unset");
    }
  }

  #scopeParent(scope: string): string | null {
    return (scope === "" ? null : this.#openKey(scopeKey(scope))) ?? this.#segment;
  }

  #openKey(base: string): string | null {
    return this.#current.get(base) ?? null;
  }

  #fresh(base: string): string {
    const used = this.#used.get(base) ?? 0;
    this.#used.set(base, used + 1);
    return used === 0 ? base : `${base}~${used}`;
  }

  /** Starts a span under `base`, its key unless `base` was used before (then `base~n`). */
  #start(
    base: string,
    parentKey: string | null,
    span: { name: string; at: string; attributes: Attributes; scope?: string; links?: SpanStart["links"] },
  ): string {
    const key = this.#fresh(base);
    const start: SpanStart = {
      key,
      parentKey,
      name: span.name,
      at: span.at,
      attributes: { ...this.#base, ...span.attributes },
      links: span.links ?? [],
    };
    this.#open.set(key, { start, scope: span.scope });
    this.#current.set(base, key);
    this.#ops.push({ op: "start", span: start });
    return key;
  }

  /** Ends a span and, first, whatever is still open under it. */
  #end(
    key: string | null,
    at: string,
    status: SpanStatus,
    message?: string,
    attributes: Attributes = {},
  ): void {
    if (key === null || !this.#open.has(key)) return;
    for (const [child, span] of [...this.#open].reverse()) {
      if (span.start.parentKey === key) this.#end(child, at, "unset");
    }
    this.#open.delete(key);
    for (const [base, current] of this.#current) if (current === key) this.#current.delete(base);
    this.#ops.push({ op: "end", key, at, status, ...(message ? { message } : {}), attributes });
  }

  #event(key: string | null, name: string, at: string, attributes: Attributes): void {
    if (key !== null && this.#open.has(key)) this.#ops.push({ op: "event", key, name, at, attributes });
  }

  #set(key: string | null, attributes: Attributes): void {
    if (key !== null && this.#open.has(key)) this.#ops.push({ op: "set", key, attributes });
  }
}
