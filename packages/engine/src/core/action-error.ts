/**
 * An error whose `name` is what a task's `catch` and `retry.retryOn` match (SPEC §4).
 * Actions throw these instead of bare `Error`s so a definition can react to one kind of failure.
 * It lives in the core because the pure built-ins (core/pure-builtins.ts) throw it in the browser too.
 */
export class ActionError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}
