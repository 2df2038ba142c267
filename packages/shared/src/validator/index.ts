export { effectOf } from "./actions";
export { DIAGNOSTIC_CODES, DIAGNOSTIC_SEVERITY, type DiagnosticCode } from "./codes";
export { expressionProblem } from "./expressions";
export { formatJsonPath, type PathSegment } from "./json-path";
export { findJsonSyntaxError, type JsonTextResult, lineAndColumn, parseJsonText } from "./json-text";
export { type ValidateOptions, type ValidationResult, validateDefinition } from "./validate";
