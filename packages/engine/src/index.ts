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
  toAttemptError,
} from "./runtime/attempts/attempt-executor";
export type { ActionSlots } from "./runtime/attempts/attempt-runner";
export { createInProcessExecutor } from "./runtime/attempts/in-process-executor";
export { type Clock, createRealClock, FakeClock, type TimerHandle } from "./runtime/clock";
export { Engine, type EngineOptions, wakeAtOf } from "./runtime/engine";
export { createJsonataEvaluator } from "./runtime/jsonata-evaluator";
export type { RunRef } from "./runtime/live-run";
export type { Logger } from "./runtime/logger";
export { type HistoryVerdict, verifyHistory } from "./runtime/verify";
export { MemoryRunStore } from "./store/memory-store";
export { openRunStore, parseStoreLocation, type StoreLocation } from "./store/open-store";
export * from "./store/sqlite";
export * from "./store/types";
