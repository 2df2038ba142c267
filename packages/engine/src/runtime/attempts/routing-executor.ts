import type { AttemptExecutor, AttemptOutcome, AttemptRequest, AttemptSignal } from "./attempt-executor";

/**
 * Built-ins that only shape data or wait (transform, assert, log, flaky, delay) are safe on the
 * orchestrator's thread and cost nothing to run there: their params were evaluated in the expression
 * sandbox already. Everything else (SQL, files, HTTP, custom actions) goes to the isolated executor.
 */
export const IN_PROCESS_ACTIONS: ReadonlySet<string> = new Set([
  "transform",
  "assert",
  "log",
  "flaky",
  "delay",
]);

export function createRoutingExecutor(options: {
  inProcess: AttemptExecutor;
  isolated: AttemptExecutor;
  inProcessActions?: ReadonlySet<string>;
}): AttemptExecutor {
  const local = options.inProcessActions ?? IN_PROCESS_ACTIONS;
  return {
    execute(request: AttemptRequest, signal: AttemptSignal): Promise<AttemptOutcome> | AttemptOutcome {
      return (local.has(request.action) ? options.inProcess : options.isolated).execute(request, signal);
    },
    async close() {
      await Promise.all([options.inProcess.close(), options.isolated.close()]);
    },
  };
}
