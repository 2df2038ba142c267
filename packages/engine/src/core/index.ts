export { assertNever } from "./assert-never";
export { decide } from "./decide";
export {
  type DefinitionDiff,
  diffDefinitions,
  type Edge,
  type EdgeChange,
  edgesOf,
  type StateChange,
} from "./definition-diff";
export { type DefinitionIndex, indexDefinition } from "./definition-index";
export {
  type EachFailureOptions,
  type FailureReport,
  SIMULATED_FAILURE,
  simulateEachFailure,
  taskIds,
  type UncompensatedEffect,
} from "./each-failure";
export { type Evaluator, type ExpressionBindings, evaluateDeep, toJson } from "./expressions";
export { applyEvent, fold, foldHistory } from "./fold";
export { attemptId, compensationKey, idempotencyKey } from "./names";
export { backoffDelay, planRetry, type ResolvedRetry, resolveRetry } from "./retry";
export {
  checkOutcomes,
  type SimulatedAction,
  type SimulatedCall,
  type SimulatedOutcome,
  type SimulatedOutcomes,
  type SimulateOptions,
  SimulationLimitError,
  type SimulationResult,
  simulate,
} from "./simulate";
export { type PathBudget, type TimeoutBudget, taskWorstMs, timeoutBudget } from "./timeout-budget";
export type {
  Command,
  CompensationAlert,
  DecideContext,
  Decision,
  Trigger,
} from "./types";
export {
  type CompatibilityReport,
  type CompensationMapping,
  checkVersionMove,
  describeVersionMove,
  MOVABLE_STATUSES,
  VersionMoveRefusedError,
} from "./version-compat";
