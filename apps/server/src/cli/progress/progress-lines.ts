import { applyEvent, assertNever } from "@sagaflow/engine/core";
import type { RunError, RunEvent, RunEventOf, RunSnapshot } from "@sagaflow/shared";

/**
 * The progress a run prints as it goes (SPEC §5): each event gives the lines to print now. Where the run
 * stands (the state each scope is in, the timers it waits on) is the engine's own fold of the events, so
 * the lines cannot disagree with the engine; the progress keeps only what its wording needs on top (the
 * failure that ended the run). No I/O: the command writes the lines; tests feed events and compare text.
 */

/** One event of the history, as the engine reports it once committed. */
export interface ProgressEvent {
  seq: number;
  /** ISO time of the commit; retry delays are worded from it. */
  at?: string;
  event: RunEvent;
}

export interface ProgressOptions {
  /** The command that resumes the run, e.g. "sagaflow resume 01J… --db runs.db". */
  resumeCommand(runId: string): string;
  /** The command that sends a signal to the run, e.g. "sagaflow signal 01J… approval --db runs.db". */
  signalCommand(runId: string, signal: string): string;
}

/**
 * Updated in place (the snapshot is folded without copying: one printer owns one state per run), and
 * returned by every step for callers that thread it through.
 */
export interface ProgressState {
  runId: string;
  /** The engine's fold of the events so far; undefined before RunStarted. */
  snapshot: RunSnapshot | undefined;
  /** The last seq folded: an event delivered twice is worded again but folded once. */
  lastSeq: number;
  /** The last step that failed: where a failed or compensated run "ended". */
  failure: { stateId: string; error: RunError } | null;
}

export const initialProgress = (runId = ""): ProgressState => ({
  runId,
  snapshot: undefined,
  lastSeq: 0,
  failure: null,
});

export interface ProgressStep {
  state: ProgressState;
  lines: string[];
}

/** The state after `events`, printing nothing: where a resumed or recovered run's progress picks up. */
export function replayProgress(events: readonly ProgressEvent[], options: ProgressOptions): ProgressState {
  return events.reduce((state, event) => nextProgress(state, event, options).state, initialProgress());
}

/** The lines of one event, worded from where the run stood before it; then the event is folded in. */
export function nextProgress(
  state: ProgressState,
  stored: ProgressEvent,
  options: ProgressOptions,
): ProgressStep {
  const step = linesOf(state, stored, options);
  foldInto(step.state, stored);
  return step;
}

/** The engine's fold, skipped for a repeated event and for events before a RunStarted was seen. */
function foldInto(state: ProgressState, stored: ProgressEvent): void {
  if (stored.seq <= state.lastSeq && stored.event.type !== "RunStarted") return;
  if (state.snapshot === undefined && stored.event.type !== "RunStarted") return;
  state.snapshot = applyEvent(state.snapshot, stored.event, stored.at ?? "");
  state.lastSeq = stored.seq;
}

/** The state each scope is in, by the fold ("" is the top level). */
const currentIn = (state: ProgressState, scope: string): string | undefined =>
  state.snapshot?.scopes[scope]?.current ?? undefined;

function linesOf(state: ProgressState, stored: ProgressEvent, options: ProgressOptions): ProgressStep {
  const { event } = stored;
  const say = (...lines: string[]): ProgressStep => ({ state, lines });
  const recovery = () => `Recovery: fix the cause, then \`${options.resumeCommand(state.runId)}\``;

  switch (event.type) {
    case "RunStarted":
      return { state: initialProgress(event.runId), lines: [] };
    case "StateEntered": {
      const from = currentIn(state, event.scope);
      const caught = event.error ? ` (caught ${event.error.error})` : "";
      return say(inScope(event.scope, `[${from ?? "START"}] → ${event.stateId}${caught}`));
    }
    case "StepAttemptStarted":
      return event.recovered
        ? say(step(event.scope, `↻ ${event.stateId}: attempt ${event.attempt} runs again after a crash`))
        : say();
    case "StepAttemptAbandoned":
      return say(
        step(event.scope, `⏹ ${event.stateId}: attempt ${event.attempt} never began; it runs on restart`),
      );
    case "StepAttemptFailed":
      return event.willRetry
        ? say(
            step(
              event.scope,
              `↻ ${event.stateId}: ${errorText(event.error)} · attempt ${event.attempt} failed, ${retryWhen(event.retryAt, stored.at)}`,
            ),
          )
        : say();
    case "StepTimedOut":
      return event.willRetry
        ? say(
            step(
              event.scope,
              `⏱ ${event.stateId}: attempt ${event.attempt} timed out after ${duration(event.timeoutMs)}, ${retryWhen(event.retryAt, stored.at)} with ${duration(event.nextTimeoutMs)}`,
            ),
          )
        : say();
    case "StepSucceeded":
      return say(
        step(event.scope, `✓ ${event.stateId} (${duration(event.durationMs)}) · checkpoint ${stored.seq}`),
      );
    case "StepFailed": {
      const after = event.attempts > 1 ? ` (after ${event.attempts} attempts)` : "";
      state.failure = { stateId: event.stateId, error: event.error };
      return say(step(event.scope, `✗ ${event.stateId}: ${errorText(event.error)}${after}`));
    }
    case "StepWarned":
      return say(step(event.scope, `⚠ ${event.stateId}: ${errorText(event.error)} · continuing`));
    case "StepResolved":
      return say(step(event.scope, `✓ ${event.stateId} resolved by ${event.by} · checkpoint ${stored.seq}`));
    case "ChoiceTaken":
      return say(
        step(
          event.scope,
          `◇ ${event.stateId}: ${event.label ?? (event.rule === null ? "otherwise" : `rule ${event.rule + 1}`)}`,
        ),
      );
    case "TimerStarted":
      return say(...timerStarted(event));
    case "TimerFired":
      return say(...timerFired(state, event));
    case "SignalAwaited": {
      const until = event.timeoutAt ? ` (until ${event.timeoutAt})` : "";
      return say(
        step(event.scope, `⏸ ${event.stateId}: waiting for signal "${event.signal}"${until}`),
        step(
          event.scope,
          `  send it with \`${options.signalCommand(state.runId, event.signal)} --payload JSON\``,
        ),
      );
    }
    case "SignalReceived":
      return event.delivered
        ? say(
            step(
              event.delivered.scope,
              `✉ ${event.delivered.stateId}: signal "${event.signal}" received from ${event.by} · checkpoint ${stored.seq}`,
            ),
          )
        : say(`  ✉ signal "${event.signal}" from ${event.by} kept until a state waits for it`);
    case "ParallelStarted": {
      const names = Object.keys(event.branches);
      return say(step(event.scope, `⇉ ${event.stateId}: ${names.length} branches (${names.join(", ")})`));
    }
    case "BranchCompleted":
      return say(step(event.scope, `✓ ${event.stateId}: branch ${event.branch} done`));
    case "BranchFailed":
      return say(
        step(event.scope, `✗ ${event.stateId}: branch ${event.branch} failed: ${errorText(event.error)}`),
      );
    case "ParallelCompleted":
      return say(step(event.scope, `✓ ${event.stateId} (all branches) · checkpoint ${stored.seq}`));
    case "MapStarted":
      return say(
        step(
          event.scope,
          `⇉ ${event.stateId}: ${plural(event.items.length, "item")}, up to ${event.maxConcurrency} at a time`,
        ),
      );
    case "IterationStarted":
    case "IterationCompleted":
      return say();
    case "IterationFailed":
      return say(step(event.scope, `✗ ${event.stateId}[${event.index}]: ${errorText(event.error)}`));
    case "MapCompleted":
      return say(
        step(
          event.scope,
          `✓ ${event.stateId} (${plural(event.output.length, "item")}) · checkpoint ${stored.seq}`,
        ),
      );
    case "ScopeCanceled":
      return say(`  ⊘ ${event.scope} stopped: ${event.reason}`);
    case "CompensationStarted":
      return say(`[COMPENSATING]${compensationCause(event)}`);
    case "CompensationStepStarted":
      return event.recovered
        ? say(`  ↻ ${undoes(event)}: attempt ${event.attempt} runs again after a crash`)
        : say();
    case "CompensationStepFailed":
      return event.willRetry
        ? say(
            `  ↩ ${undoes(event)} ✗ ${errorText(event.error)} · attempt ${event.attempt} failed, ${retryWhen(event.retryAt, stored.at)}`,
          )
        : say();
    case "CompensationStepSucceeded":
      return say(`  ↩ ${undoes(event)} ✓`);
    case "CompensationStepResolved":
      return say(`  ↩ ${undoes(event)} resolved by ${event.by}`);
    case "CompensationFailed":
      return say(
        `  ↩ ${undoes(event)} ✗ ${errorText(event.error)}`,
        `[COMPENSATION FAILED] ${event.compensationStateId} could not undo ${event.taskStateId}`,
        `Reason: ${errorText(event.error)}`,
        `Recovery: fix the cause, then \`${options.resumeCommand(state.runId)}\` retries the compensation`,
      );
    case "CompensationRetried":
      return say(`[COMPENSATING] retrying the failed compensation (by ${event.by})`);
    case "RunSucceeded": {
      const at = currentIn(state, "");
      return say(
        `[SUCCEEDED] Workflow completed${at ? ` at ${at}` : ""}`,
        `Output: ${preview(event.output)}`,
      );
    }
    case "RunFailed":
      return say(
        `[FAILED] Workflow ended at ${endedAt(state)}`,
        `Reason: ${errorText(event.error)}`,
        recovery(),
      );
    case "RunCompensated":
      if (event.canceled) return say("[CANCELED] Compensated after the cancel");
      return say(
        `[COMPENSATED] Workflow ended at ${endedAt(state)}`,
        ...(event.error ? [`Reason: ${errorText(event.error)}`] : []),
        recovery(),
      );
    case "RunSuspended": {
      const where = event.stateId ? ` at ${event.stateId}` : "";
      const hint =
        event.reason === "corrupt_history"
          ? `Recovery: restore the run from checkpoint ${event.lastGoodSeq ?? "?"} (the last good event)`
          : `Recovery: check whether ${event.stateId ?? "the step"} took effect, then \`${options.resumeCommand(state.runId)}\` runs it again`;
      return say(`[SUSPENDED] Workflow stopped${where}`, `Reason: ${event.message}`, hint);
    }
    case "RunResumed":
      state.failure = null;
      return say(`[RESUMED] from ${event.from} (by ${event.by})`);
    case "RunCanceled":
      return say(`[CANCELED] by ${event.by}${event.compensate ? ", compensating" : ""}`);
    case "HistoryRestored":
      return say(`[RESTORED] history kept through checkpoint ${event.keepThroughSeq} (by ${event.by})`);
    case "RunMovedToVersion":
      return say(`[MOVED] v${event.from} → v${event.to} (by ${event.by}): what follows runs on v${event.to}`);
    default:
      return assertNever(event, "run event");
  }
}

function timerStarted(event: RunEventOf<"TimerStarted">): string[] {
  if (event.purpose !== "wait" || event.stateId === undefined) return [];
  return [step(event.scope ?? "", `⏸ ${event.stateId}: waiting until ${event.fireAt}`)];
}

/** A wait or a signal timeout ends the state its timer was armed for (the fold still holds the timer). */
function timerFired(state: ProgressState, event: RunEventOf<"TimerFired">): string[] {
  if (event.purpose === "deadline") return ["  ⏱ the run's deadline passed"];
  const timer = state.snapshot?.timers[event.timerId];
  if (!timer?.stateId || (timer.purpose !== "wait" && timer.purpose !== "signalTimeout")) return [];
  const text = timer.purpose === "wait" ? "waited" : "no signal came in time";
  return [step(timer.scope ?? "", `⏵ ${timer.stateId}: ${text}`)];
}

/** Where the run ended: the step that failed, else the state it was in. */
function endedAt(state: ProgressState): string {
  return state.failure?.stateId ?? currentIn(state, "") ?? "its start";
}

/** A line about a state, indented under the transition line. */
function step(scope: string, text: string): string {
  return inScope(scope, `  ${text}`);
}

/** Branch and iteration lines carry their scope, so interleaved branches stay readable. */
function inScope(scope: string, text: string): string {
  return scope === "" ? text : `  ${scope} ▸ ${text}`;
}

function undoes(entry: { taskStateId: string; compensationStateId: string; scope: string }): string {
  const where = entry.scope === "" ? "" : ` (${entry.scope})`;
  return `${entry.taskStateId}${where} → ${entry.compensationStateId}`;
}

function compensationCause(event: RunEventOf<"CompensationStarted">): string {
  if (event.cause === "cancel") return " (the run was canceled)";
  if (event.cause === "deadline") return " (the run's deadline passed)";
  return "";
}

export function errorText(error: RunError): string {
  return error.message === "" ? error.error : `${error.error}: ${error.message}`;
}

function retryWhen(retryAt: string | null, at: string | undefined): string {
  if (retryAt === null) return "retrying now";
  if (at === undefined) return `retrying at ${retryAt}`;
  return `retrying in ${duration(Math.max(0, Date.parse(retryAt) - Date.parse(at)))}`;
}

export function duration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A run's output on one line, cut short: the full value is in `--json` and `status`. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}
