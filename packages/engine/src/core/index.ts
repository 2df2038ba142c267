/** The Workflow State Format is pure too: the run view's time travel prints it as of any event. */
export { formatWorkflowState } from "../format/workflow-state";
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
export {
  FAILURE_TABLE_HEADER,
  type FailureRow,
  failureRow,
  leavesWritesUndone,
} from "./each-failure-table";
export { type Evaluator, type ExpressionBindings, evaluateDeep, toJson } from "./expressions";
export { applyEvent, fold, foldHistory } from "./fold";
export { createJsonataEvaluator, DEFAULT_EXPRESSION_TIMEOUT_MS } from "./jsonata-evaluator";
export { attemptId, compensationKey, idempotencyKey } from "./names";
export {
  isFalsy,
  type PureBuiltin,
  pureAssert,
  pureDelay,
  pureFlaky,
  pureLog,
  pureTransform,
  simulatedBuiltins,
} from "./pure-builtins";
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
