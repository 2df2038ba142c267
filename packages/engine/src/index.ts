/** The engine's public surface: the pure core, the runtime edge, the stores and the actions. */
export * from "./actions";
export * from "./core";
export * from "./errors";
export { formatWorkflowState, statesEntered } from "./format/workflow-state";
export { canonicalJson, verifyChain } from "./history/hash";
export {
  type AttemptError,
  type AttemptExecutor,
  type AttemptOutcome,
  type AttemptRequest,
  type AttemptSignal,
  signalOf,
  toAttemptError,
} from "./runtime/attempts/attempt-executor";
export type { ActionSlots } from "./runtime/attempts/attempt-runner";
export { createInProcessExecutor } from "./runtime/attempts/in-process-executor";
export { createIsolatedExecutor } from "./runtime/attempts/isolated-executor";
export { createPoolExecutor, DEFAULT_WORKER_MEMORY_MB } from "./runtime/attempts/pool/pool-executor";
export type { WorkerSetup } from "./runtime/attempts/pool/worker-setup";
export { createRoutingExecutor, IN_PROCESS_ACTIONS } from "./runtime/attempts/routing-executor";
export { type Clock, createRealClock, FakeClock, type TimerHandle } from "./runtime/clock";
export { Engine, type EngineOptions, wakeAtOf } from "./runtime/engine";
export {
  type BoundedRegExp,
  boundedRegExp,
  DEFAULT_PATTERN_TIMEOUT_MS,
  PatternTimeoutError,
} from "./runtime/expressions/bounded-regexp";
export {
  createIsolateEvaluator,
  DEFAULT_EXPRESSION_MEMORY_MB,
} from "./runtime/expressions/isolate-evaluator";
export { createJsonataEvaluator } from "./runtime/jsonata-evaluator";
export type { RunRef } from "./runtime/live-run";
export type { Logger } from "./runtime/logger";
export { type HistoryVerdict, verifyHistory } from "./runtime/verify";
export { previewVersionMove, type VersionMovePreview } from "./runtime/version-move";
export { MemoryRunStore } from "./store/memory-store";
export {
  DATABASE_URL_ENV,
  isPostgresLocation,
  leaseOwnerFor,
  openRunStore,
  parseStoreLocation,
  resolveStoreLocation,
  type StoreLocation,
} from "./store/open-store";
export * from "./store/postgres";
export * from "./store/sqlite";
export * from "./store/types";
