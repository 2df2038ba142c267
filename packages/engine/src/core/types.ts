import type {
  Definition,
  InFlightAttempt,
  JsonValue,
  RunError,
  RunEvent,
  RunSnapshot,
} from "@sagaflow/shared";
import type { BatchEvaluator } from "./expression-batch";
import type { Evaluator } from "./expressions";

/** What happened that the run must react to. Each trigger gives one decision, committed at once. */
export type Trigger =
  | {
      type: "start";
      runId: string;
      workflow: string;
      version: number;
      input: JsonValue;
      traceparent?: string;
    }
  | { type: "attemptSucceeded"; attemptId: string; output: JsonValue; durationMs: number }
  | { type: "attemptFailed"; attemptId: string; error: RunError; fatal: boolean; durationMs: number }
  | { type: "attemptTimedOut"; attemptId: string; durationMs: number }
  /** Every timer whose fireAt is not after `now` fires. */
  | { type: "timersDue" }
  | { type: "signal"; signal: string; payload: JsonValue; by: string }
  | { type: "cancel"; compensate: boolean; by: string }
  /**
   * `moveTo`: go on on another version of the workflow (its definition): checked for compatibility, then
   * recorded (RunMovedToVersion), and what follows is decided on it.
   */
  | { type: "resume"; by: string; moveTo?: { version: number; definition: Definition } }
  | { type: "retryCompensation"; by: string }
  /** "Compensate now": a run that stopped without compensating (onError abort, a plain cancel) undoes its steps. */
  | { type: "compensate"; by: string }
  | { type: "resolveStep"; output: JsonValue; by: string; stateId?: string }
  /** A new process took the run over: attempts in flight died with the old one. */
  | { type: "recover"; afterRefusedCommit?: boolean }
  /** Graceful shutdown: these attempts never began executing (they waited for a worker slot). */
  | { type: "abandon"; attemptIds: string[]; reason: string }
  | { type: "suspendCorrupt"; lastGoodSeq: number; message: string }
  /** The history was cut back to a good checkpoint; continue from there. */
  | { type: "restored"; by: string; keepThroughSeq: number };

export interface CompensationAlert {
  runId: string;
  workflow: string;
  version: number;
  taskStateId: string;
  compensationStateId: string;
  error: RunError;
}

/** Effects the edge carries out after the decision is committed. Timers are not commands: the edge
 * arms one wake-up at the earliest `snapshot.timers` entry, so they survive restarts by construction. */
export type Command =
  | { type: "runAttempt"; attempt: InFlightAttempt }
  /**
   * Abort the attempt through its AbortSignal. With `awaitOutcome` its result (success, failure, timeout)
   * is still wanted and comes back as a trigger; otherwise it is dropped.
   */
  | { type: "cancelAttempt"; attemptId: string; reason: string; awaitOutcome: boolean }
  | { type: "alert"; alert: CompensationAlert };

export interface DecideContext {
  /** Milliseconds since the epoch, from the engine's clock. */
  now: number;
  /** `now` as an ISO string, when the caller made it already (it stamps the commit too): made once a step. */
  at?: string;
  evaluate: Evaluator;
  /** A state's expressions in one go (expression-batch.ts); default: `evaluate` one at a time. */
  evaluateBatch?: BatchEvaluator;
  /** In [0, 1): jitter. Injected so tests are deterministic. */
  random: () => number;
  /** Process deaths during one attempt before recovery suspends the run instead (default 3). */
  crashLimit?: number;
}

export interface Decision {
  events: RunEvent[];
  commands: Command[];
  /** The snapshot after the events: the fold of the history including them. */
  snapshot: RunSnapshot;
}
