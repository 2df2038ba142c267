/**
 * An error whose `name` is what a task's `catch` and `retry.retryOn` match (SPEC §4).
 * Actions throw these instead of bare `Error`s so a definition can react to one kind of failure.
 */
export class ActionError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

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
