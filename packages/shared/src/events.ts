import { z } from "zod";
import { jsonValueSchema } from "./definition/schema";
import { runErrorSchema, runStatusSchema } from "./run";

/**
 * The events of a run's history (SPEC §3). The history is the truth; the snapshot is its fold.
 *
 * `scope` names the state machine an event belongs to: "" is the run's top level, `fanout.a` branch `a`
 * of parallel state `fanout`, `each[3]` iteration 3 of map state `each`; nested scopes join with "/".
 * A container entered again in a loop names its children with its visit (`fanout@2.a`), so idempotency
 * keys never repeat across visits.
 */

const step = {
  scope: z.string(),
  stateId: z.string(),
  visit: z.number().int().min(1),
};
const attempt = {
  ...step,
  attempt: z.number().int().min(1),
  /** `<runId>:<scope/>stateId:<visit>`: the same for every attempt of one step execution. */
  idempotencyKey: z.string(),
};
/**
 * On an attempt's failure or timeout: the process deaths so far during this step execution, over all its
 * attempts, so the next attempt starts from that count (a crash loop is counted per step, not per
 * attempt: a timed-out attempt's thread can still kill the process during the next one). Absent when 0.
 */
const crashes = { crashes: z.number().int().min(1).optional() };
/** Who did an operator action (a user name, a token's user, or "local"). */
const operator = { by: z.string() };

export const timerPurposeSchema = z.enum(["wait", "signalTimeout", "retry", "compensationRetry", "deadline"]);
export type TimerPurpose = z.infer<typeof timerPurposeSchema>;

export const compensationCauseSchema = z.enum(["failure", "cancel", "deadline"]);
export type CompensationCause = z.infer<typeof compensationCauseSchema>;

/** Which compensation entry a compensation event is about. */
const compensationEntry = {
  taskStateId: z.string(),
  compensationStateId: z.string(),
  scope: z.string(),
  visit: z.number().int().min(1),
};

/**
 * Attempt ids (`<idempotencyKey>#<attempt>`) that were in flight when their scope was abandoned. They are
 * aborted through their AbortSignal and awaited (cancellation is cooperative): each settles with a
 * StepSucceeded (pushed on the compensation stack like any other), StepAttemptFailed or StepTimedOut.
 * Histories written before this field existed dropped such attempts at once.
 */
const awaitedAttempts = z.array(z.string());

export const runEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("RunStarted"),
    runId: z.string(),
    workflow: z.string(),
    version: z.number().int(),
    input: jsonValueSchema,
    deadlineAt: z.string().nullable(),
    /** W3C trace context the run continues (the caller's, from `runs.start`): the run's spans join it. */
    traceparent: z.string().optional(),
  }),
  z.object({
    type: z.literal("StateEntered"),
    ...step,
    stateType: z.string(),
    /** Set when the state was reached through a `catch`: the error it sees as `$error`. */
    error: runErrorSchema.optional(),
  }),
  z.object({
    type: z.literal("StepAttemptStarted"),
    ...attempt,
    action: z.string(),
    params: jsonValueSchema,
    timeoutMs: z.number(),
    /** The same attempt run again after a restart (idempotent steps, or one abandoned before it began). */
    recovered: z.boolean().optional(),
    /** Recovered because the store refused a commit and the run was reloaded: not a process death. */
    afterRefusedCommit: z.boolean().optional(),
  }),
  /**
   * A graceful shutdown stopped an attempt (task or compensation) that never began executing: it was still
   * waiting for a worker slot. Its outcome is known (nothing happened), so recovery runs it again with the
   * same idempotency key even when the step is not idempotent. A crash leaves no such event.
   */
  z.object({ type: z.literal("StepAttemptAbandoned"), ...attempt, reason: z.string() }),
  z.object({
    type: z.literal("StepAttemptFailed"),
    ...attempt,
    error: runErrorSchema,
    durationMs: z.number(),
    willRetry: z.boolean(),
    retryAt: z.string().nullable(),
    ...crashes,
  }),
  z.object({
    type: z.literal("StepTimedOut"),
    ...attempt,
    timeoutMs: z.number(),
    willRetry: z.boolean(),
    retryAt: z.string().nullable(),
    /** The timeout of the next attempt (doubled by the retry-once-with-an-extended-timeout rule). */
    nextTimeoutMs: z.number(),
    /** Whether the next attempt is the extra one the timeout rule grants. */
    extended: z.boolean(),
    ...crashes,
  }),
  z.object({
    type: z.literal("StepSucceeded"),
    ...attempt,
    output: jsonValueSchema,
    durationMs: z.number(),
    /** The task's compensation state, pushed on the compensation stack with this output. */
    compensateWith: z.string().optional(),
  }),
  z.object({ type: z.literal("StepFailed"), ...step, error: runErrorSchema, attempts: z.number().int() }),
  z.object({ type: z.literal("StepWarned"), ...step, error: runErrorSchema }),
  z.object({
    type: z.literal("StepResolved"),
    ...operator,
    ...step,
    output: jsonValueSchema,
    compensateWith: z.string().optional(),
  }),
  z.object({
    type: z.literal("ChoiceTaken"),
    ...step,
    next: z.string(),
    /** Index of the winning rule, or null for `otherwise`. */
    rule: z.number().int().nullable(),
    label: z.string().optional(),
  }),
  z.object({
    type: z.literal("TimerStarted"),
    timerId: z.string(),
    purpose: timerPurposeSchema,
    fireAt: z.string(),
    scope: z.string().optional(),
    stateId: z.string().optional(),
    visit: z.number().int().optional(),
  }),
  z.object({ type: z.literal("TimerFired"), timerId: z.string(), purpose: timerPurposeSchema }),
  z.object({
    type: z.literal("SignalAwaited"),
    ...step,
    signal: z.string(),
    timeoutAt: z.string().nullable(),
  }),
  z.object({
    type: z.literal("SignalReceived"),
    ...operator,
    signal: z.string(),
    payload: jsonValueSchema,
    /** The waiting state it was delivered to; absent when nobody waits yet and the signal is kept. */
    delivered: z.object(step).optional(),
    /** Delivered from the signals kept earlier (the oldest of that name). */
    fromBuffer: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("ParallelStarted"),
    ...step,
    /** Branch name → its scope. */
    branches: z.record(z.string(), z.string()),
  }),
  z.object({
    type: z.literal("BranchCompleted"),
    ...step,
    branch: z.string(),
    branchScope: z.string(),
    output: jsonValueSchema,
  }),
  z.object({
    type: z.literal("BranchFailed"),
    ...step,
    branch: z.string(),
    branchScope: z.string(),
    error: runErrorSchema,
  }),
  z.object({ type: z.literal("ParallelCompleted"), ...step, output: jsonValueSchema }),
  z.object({
    type: z.literal("MapStarted"),
    ...step,
    items: z.array(jsonValueSchema),
    maxConcurrency: z.number().int().min(1),
  }),
  z.object({
    type: z.literal("IterationStarted"),
    ...step,
    index: z.number().int().min(0),
    iterationScope: z.string(),
  }),
  z.object({
    type: z.literal("IterationCompleted"),
    ...step,
    index: z.number().int().min(0),
    iterationScope: z.string(),
    output: jsonValueSchema,
  }),
  z.object({
    type: z.literal("IterationFailed"),
    ...step,
    index: z.number().int().min(0),
    iterationScope: z.string(),
    error: runErrorSchema,
  }),
  z.object({ type: z.literal("MapCompleted"), ...step, output: z.array(jsonValueSchema) }),
  /**
   * A branch or iteration stopped because a sibling failed; its in-flight attempts are aborted and, when
   * listed in `awaitedAttempts`, awaited: the parallel/map state fails only once each has settled.
   */
  z.object({
    type: z.literal("ScopeCanceled"),
    scope: z.string(),
    reason: z.string(),
    awaitedAttempts: awaitedAttempts.optional(),
  }),
  z.object({
    type: z.literal("CompensationStarted"),
    cause: compensationCauseSchema,
    error: runErrorSchema.nullable(),
    entries: z.number().int(),
    /** Task attempts aborted by this stop and awaited before the first compensation runs. */
    awaitedAttempts: awaitedAttempts.optional(),
    /** A person started it ("Compensate now" on a run that stopped without compensating). */
    by: z.string().optional(),
  }),
  z.object({
    type: z.literal("CompensationStepStarted"),
    ...compensationEntry,
    attempt: z.number().int().min(1),
    idempotencyKey: z.string(),
    action: z.string(),
    params: jsonValueSchema,
    timeoutMs: z.number(),
    recovered: z.boolean().optional(),
    afterRefusedCommit: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("CompensationStepFailed"),
    ...compensationEntry,
    attempt: z.number().int().min(1),
    idempotencyKey: z.string(),
    error: runErrorSchema,
    durationMs: z.number(),
    timedOut: z.boolean(),
    willRetry: z.boolean(),
    retryAt: z.string().nullable(),
    nextTimeoutMs: z.number(),
    extended: z.boolean(),
    ...crashes,
  }),
  z.object({
    type: z.literal("CompensationStepSucceeded"),
    ...compensationEntry,
    attempt: z.number().int().min(1),
    idempotencyKey: z.string(),
    output: jsonValueSchema,
    durationMs: z.number(),
  }),
  z.object({ type: z.literal("CompensationFailed"), ...compensationEntry, error: runErrorSchema }),
  /** The failed compensation marked done by a person, with the output it would have had. */
  z.object({
    type: z.literal("CompensationStepResolved"),
    ...operator,
    ...compensationEntry,
    output: jsonValueSchema,
  }),
  z.object({ type: z.literal("CompensationRetried"), ...operator }),
  z.object({ type: z.literal("RunSucceeded"), output: jsonValueSchema }),
  z.object({ type: z.literal("RunFailed"), error: runErrorSchema }),
  /** The compensation chain finished; `canceled` when it ran because of a cancel. */
  z.object({ type: z.literal("RunCompensated"), error: runErrorSchema.nullable(), canceled: z.boolean() }),
  z.object({
    type: z.literal("RunSuspended"),
    /**
     * outcome_unknown: an interrupted non-idempotent attempt; internal_error: the engine could not decide;
     * crash_loop: the process died while the same step ran, too many times (a poison pill).
     */
    reason: z.enum(["outcome_unknown", "corrupt_history", "internal_error", "crash_loop"]),
    message: z.string(),
    scope: z.string().optional(),
    stateId: z.string().optional(),
    /** For a corrupt history: the last event that verifies, the checkpoint to restore from. */
    lastGoodSeq: z.number().int().optional(),
  }),
  z.object({
    type: z.literal("RunResumed"),
    ...operator,
    from: runStatusSchema,
    /**
     * The run was suspended while compensating (a crash while an aborted attempt was awaited): it goes on
     * compensating instead of being redriven.
     */
    compensating: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("RunCanceled"),
    ...operator,
    compensate: z.boolean(),
    /**
     * Task attempts aborted by the cancel and awaited: before the first compensation runs, or, without
     * compensation, before the run is `canceled` (it stays `running` until the last one settles). Absent in
     * histories of cancels without compensation written before, which dropped them at once.
     */
    awaitedAttempts: awaitedAttempts.optional(),
  }),
  z.object({ type: z.literal("HistoryRestored"), ...operator, keepThroughSeq: z.number().int() }),
  /**
   * A person moved the stopped run to another version of its workflow (resume on a fixed version): what
   * follows runs on `to`; completed steps are kept. Always followed by the RunResumed or CompensationRetried
   * of the same call. `compensations`: stack entries whose undo the new version names differently.
   */
  z.object({
    type: z.literal("RunMovedToVersion"),
    ...operator,
    from: z.number().int(),
    to: z.number().int(),
    compensations: z
      .array(z.object({ taskStateId: z.string(), from: z.string(), to: z.string() }))
      .optional(),
  }),
]);

export type RunEvent = z.infer<typeof runEventSchema>;
export type RunEventType = RunEvent["type"];
/** One event type's payload, e.g. `RunEventOf<"StepSucceeded">`. */
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

export const RUN_EVENT_TYPES = runEventSchema.options.map(
  (option) => option.shape.type.value,
) as RunEventType[];

/** Events a person caused; they carry `by`. */
export const OPERATOR_EVENT_TYPES: readonly RunEventType[] = [
  "SignalReceived",
  "StepResolved",
  "CompensationStepResolved",
  "CompensationRetried",
  "RunResumed",
  "RunCanceled",
  "HistoryRestored",
  "RunMovedToVersion",
];
