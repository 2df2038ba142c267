export { assertNever } from "./assert-never";
export { decide } from "./decide";
export { type DefinitionIndex, indexDefinition } from "./definition-index";
export { type Evaluator, type ExpressionBindings, evaluateDeep, toJson } from "./expressions";
export { applyEvent, fold, foldHistory } from "./fold";
export { attemptId, compensationKey, idempotencyKey } from "./names";
export { backoffDelay, planRetry, type ResolvedRetry, resolveRetry } from "./retry";
export type {
  Command,
  CompensationAlert,
  DecideContext,
  Decision,
  Trigger,
} from "./types";
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
