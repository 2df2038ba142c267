// The in-thread JSONata evaluator is pure (the browser's Simulate mode runs it too): it lives in core/.
export { asError, createJsonataEvaluator, DEFAULT_EXPRESSION_TIMEOUT_MS } from "../core/jsonata-evaluator";
