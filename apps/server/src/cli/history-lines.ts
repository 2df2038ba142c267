import type { RunEvent } from "@sagaflow/shared";
import { duration, errorText } from "./progress/progress-lines";

/** One line per event for `sagaflow history`: seq, time, type, and what it was about. */
export function historyLine(stored: { seq: number; at: string; event: RunEvent }): string {
  const { event } = stored;
  const about = eventSummary(event);
  return `${String(stored.seq).padStart(4)}  ${stored.at}  ${event.type}${about ? `  ${about}` : ""}`;
}

export function eventSummary(event: RunEvent): string {
  const parts: string[] = [];
  const record = event as Record<string, unknown>;
  if (typeof record.stateId === "string") {
    const scope = typeof record.scope === "string" && record.scope !== "" ? `${record.scope}/` : "";
    parts.push(`${scope}${record.stateId}`);
  }
  if ("taskStateId" in event) parts.push(`${event.taskStateId} ↩ ${event.compensationStateId}`);
  if ("attempt" in event) parts.push(`attempt ${event.attempt}`);
  if ("durationMs" in event) parts.push(duration(event.durationMs));
  if (event.type === "RunStarted")
    parts.push(`${event.workflow} v${event.version}`, JSON.stringify(event.input));
  if (event.type === "ChoiceTaken") parts.push(`→ ${event.next}${event.label ? ` (${event.label})` : ""}`);
  if (event.type === "TimerStarted") parts.push(`${event.purpose} at ${event.fireAt}`);
  if (event.type === "TimerFired") parts.push(event.purpose);
  if (event.type === "SignalAwaited" || event.type === "SignalReceived") parts.push(`"${event.signal}"`);
  if (event.type === "RunSuspended") parts.push(`${event.reason}: ${event.message}`);
  if (event.type === "RunResumed") parts.push(`from ${event.from}`);
  if (event.type === "CompensationStarted") parts.push(event.cause);
  if ("error" in event && event.error) parts.push(errorText(event.error));
  if ("by" in event) parts.push(`by ${event.by}`);
  return parts.join(" · ");
}
