import { ActionError } from "../core/action-error";

export { ActionError };

/** The reason an aborted signal carries, as an Error (a bare `abort()` gives a DOMException AbortError). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new ActionError("AbortError", typeof reason === "string" ? reason : "The action was aborted");
}

/** Throws the signal's reason when it is already aborted: actions call it before any side effect. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}
