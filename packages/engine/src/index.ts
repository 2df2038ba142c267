/** The engine's public surface: the pure core, the runtime edge, the stores and the actions. */
export * from "./actions";
export * from "./core";
export * from "./errors";
export { formatWorkflowState, statesEntered } from "./format/workflow-state";
export { canonicalJson, verifyChain } from "./history/hash";
export { type Clock, createRealClock, FakeClock, type TimerHandle } from "./runtime/clock";
export {
  type ActionSlots,
  Engine,
  type EngineOptions,
  type Logger,
  type RunRef,
  wakeAtOf,
} from "./runtime/engine";
export { createJsonataEvaluator } from "./runtime/jsonata-evaluator";
export { type HistoryVerdict, verifyHistory } from "./runtime/verify";
export { MemoryRunStore } from "./store/memory-store";
export * from "./store/sqlite";
export * from "./store/types";
