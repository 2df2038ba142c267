import type { Definition, RunSnapshot } from "@sagaflow/shared";
import type { RunRecord } from "../store/types";
import type { TimerHandle } from "./clock";

export type RunRef = RunRecord<RunSnapshot>;

/** An attempt this engine started and has not settled: its abort switch and its timeout. */
export interface RunningAttempt {
  controller: AbortController;
  timer: TimerHandle | null;
  settled: boolean;
  /** Its handler was invoked (it had a slot): from here on, a stop leaves its outcome unknown. */
  began: boolean;
}

/**
 * A run this engine drives: its last committed record, and the effects in progress for it. The definition
 * it is pinned to is the one loaded with it (record.workflow, record.version), never looked up again.
 */
export interface LiveRun {
  id: string;
  definition: Definition;
  record: RunRef;
  /** Its triggers, one at a time, in order. */
  queue: Promise<void>;
  attempts: Map<string, RunningAttempt>;
  wake: TimerHandle | null;
  broken: Error | null;
}

/** The one way a LiveRun is made: fresh, loaded, or restored. */
export function newLiveRun(definition: Definition, record: RunRef): LiveRun {
  return {
    id: record.id,
    definition,
    record,
    queue: Promise.resolve(),
    attempts: new Map(),
    wake: null,
    broken: null,
  };
}
