import type { Engine } from "@sagaflow/engine";
import type { JsonValue } from "@sagaflow/shared";

/**
 * An operator call on a run, as plain data: what the router asks for, and what one instance forwards to
 * the instance that holds the run's lease (forwarder.ts). `by` is who asked, recorded in the history.
 */
export type OperatorCall =
  | { op: "signal"; runId: string; name: string; payload: JsonValue; by: string }
  | { op: "cancel"; runId: string; compensate: boolean; by: string }
  | { op: "resume"; runId: string; by: string; version?: number }
  | { op: "retryCompensation"; runId: string; by: string }
  | { op: "compensate"; runId: string; by: string }
  | { op: "resolveStep"; runId: string; output: JsonValue; stateId?: string; by: string }
  | { op: "restore"; runId: string; by: string };

/** Carries out an operator call on this instance's engine (which claims the run, or refuses: LEASE_HELD). */
export async function callEngine(engine: Engine, call: OperatorCall): Promise<void> {
  switch (call.op) {
    case "signal":
      return engine.signal(call.runId, call.name, call.payload, call.by);
    case "cancel":
      return engine.cancel(call.runId, { compensate: call.compensate, by: call.by });
    case "resume":
      return engine.resume(call.runId, call.by, call.version === undefined ? {} : { version: call.version });
    case "retryCompensation":
      return engine.retryCompensation(call.runId, call.by);
    case "compensate":
      return engine.compensate(call.runId, call.by);
    case "resolveStep":
      return engine.resolveStep(call.runId, {
        output: call.output,
        by: call.by,
        ...(call.stateId === undefined ? {} : { stateId: call.stateId }),
      });
    case "restore":
      return engine.restoreFromCheckpoint(call.runId, call.by);
  }
}

/** What the router calls: the engine itself on one process, the cluster forwarder on a shared database. */
export interface OperatorCalls {
  call(call: OperatorCall): Promise<void>;
}

export function localOperatorCalls(engine: Engine): OperatorCalls {
  return { call: (call) => callEngine(engine, call) };
}
