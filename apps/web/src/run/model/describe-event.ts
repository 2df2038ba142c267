import { assertNever } from "@sagaflow/engine/core";
import type { RunEvent } from "@sagaflow/shared";

/** The state an event is about (for "click an event, select its node"). */
export function stateOfEvent(event: RunEvent): string | undefined {
  if ("stateId" in event && typeof event.stateId === "string") return event.stateId;
  if ("compensationStateId" in event) return event.compensationStateId;
  if (event.type === "SignalReceived") return event.delivered?.stateId;
  return undefined;
}

/** A one-line summary of an event for the events list. */
export function describeEvent(event: RunEvent): string {
  switch (event.type) {
    case "RunStarted":
      return `${event.workflow} v${event.version}`;
    case "StateEntered":
      return `${event.stateId} (${event.stateType}${event.visit > 1 ? `, visit ${event.visit}` : ""})`;
    case "StepAttemptStarted":
      return `${event.stateId} attempt ${event.attempt} · ${event.action}`;
    case "StepAttemptFailed":
      return `${event.stateId} attempt ${event.attempt}: ${event.error.error}: ${event.error.message}${event.willRetry ? " · will retry" : ""}`;
    case "StepTimedOut":
      return `${event.stateId} attempt ${event.attempt} after ${event.timeoutMs} ms${event.willRetry ? " · will retry" : ""}`;
    case "StepSucceeded":
      return `${event.stateId} in ${Math.round(event.durationMs)} ms`;
    case "StepFailed":
      return `${event.stateId}: ${event.error.error}: ${event.error.message}`;
    case "StepWarned":
      return `${event.stateId}: ${event.error.error}: ${event.error.message}`;
    case "StepResolved":
      return `${event.stateId} by ${event.by}`;
    case "ChoiceTaken":
      return `${event.stateId} → ${event.next}${event.label ? ` (${event.label})` : event.rule === null ? " (otherwise)" : ""}`;
    case "TimerStarted":
      return `${event.purpose}${event.stateId ? ` · ${event.stateId}` : ""} until ${event.fireAt}`;
    case "TimerFired":
      return event.purpose;
    case "SignalAwaited":
      return `${event.stateId} waits for "${event.signal}"`;
    case "SignalReceived":
      return `"${event.signal}" from ${event.by}${event.delivered ? ` → ${event.delivered.stateId}` : " (kept)"}`;
    case "CompensationStarted":
      return `${event.entries} to undo (${event.cause})`;
    case "CompensationStepStarted":
      return `${event.taskStateId} ↩ ${event.compensationStateId} attempt ${event.attempt}`;
    case "CompensationStepFailed":
      return `${event.compensationStateId}: ${event.error.error}: ${event.error.message}`;
    case "CompensationStepSucceeded":
      return `${event.taskStateId} ↩ ${event.compensationStateId}`;
    case "CompensationFailed":
      return `${event.compensationStateId}: ${event.error.error}: ${event.error.message}`;
    case "CompensationStepResolved":
      return `${event.compensationStateId} by ${event.by}`;
    case "CompensationRetried":
      return `by ${event.by}`;
    case "RunFailed":
      return `${event.error.error}: ${event.error.message}`;
    case "RunCompensated":
      return event.error
        ? `${event.error.error}: ${event.error.message}`
        : event.canceled
          ? "after cancel"
          : "";
    case "RunSuspended":
      return `${event.reason}: ${event.message}`;
    case "RunResumed":
      return `from ${event.from} by ${event.by}`;
    case "RunMovedToVersion":
      return `v${event.from} → v${event.to} by ${event.by}`;
    case "RunCanceled":
      return `by ${event.by}${event.compensate ? ", compensating" : ""}`;
    case "StepAttemptAbandoned":
    case "ParallelStarted":
    case "BranchCompleted":
    case "BranchFailed":
    case "ParallelCompleted":
    case "MapStarted":
    case "IterationStarted":
    case "IterationCompleted":
    case "IterationFailed":
    case "MapCompleted":
      return event.stateId;
    case "ScopeCanceled":
    case "RunSucceeded":
    case "HistoryRestored":
      return "";
    default:
      return assertNever(event, "run event");
  }
}
