import { isDeepStrictEqual } from "node:util";
import type { RunStore, StoredEvent } from "@sagaflow/engine";
import type { OperatorCall } from "./operator-call";

/**
 * Whether an operator call forwarded to an owner that never answered is in the run's history after
 * `afterSeq` (the run's last seq before the call was sent): the owner carried it out, then died before its
 * answer left. The caller then answers as the owner would have, instead of offering the call a second time
 * (a second cancel would be refused as "already being canceled", a second signal delivered twice). Matched
 * on what the call records: RunCanceled with the same person and compensate flag, SignalReceived with the
 * same person, name and payload. The other calls are refused when repeated on a run they already changed,
 * so they are not matched here.
 */
export async function callLanded(store: RunStore, call: OperatorCall, afterSeq: number): Promise<boolean> {
  if (call.op !== "cancel" && call.op !== "signal") return false;
  const events = await store.getHistory(call.runId, { afterSeq });
  return events.some((stored) => isMark(call, stored));
}

function isMark(call: OperatorCall, stored: StoredEvent): boolean {
  const event = stored.event as {
    type: string;
    by?: string;
    compensate?: boolean;
    signal?: string;
    payload?: unknown;
  };
  if (call.op === "cancel")
    return event.type === "RunCanceled" && event.by === call.by && event.compensate === call.compensate;
  if (call.op === "signal")
    return (
      event.type === "SignalReceived" &&
      event.by === call.by &&
      event.signal === call.name &&
      isDeepStrictEqual(event.payload, call.payload)
    );
  return false;
}
