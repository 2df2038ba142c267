export {
  builtinActions,
  builtinActionsWith,
  DEFAULT_MAX_RESPONSE_BYTES,
  defaultBackupPath,
  type HttpRequestOptions,
} from "./builtin";
export { ForbiddenSqlError } from "./builtin/sql-guard";
export { ActionError, abortReason, throwIfAborted } from "./errors";
export { InvalidParamsError, invokeAction } from "./invoke";
export { ActionModuleError, collectActions, loadActionsModule } from "./load-module";
export {
  createOutboundPolicy,
  ForbiddenUrlError,
  type OutboundPolicy,
  type OutboundPolicyOptions,
} from "./outbound-policy";
export { createPathPolicy, ForbiddenPathError, type PathPolicy, type PathPolicyOptions } from "./paths";
export {
  type ActionRegistry,
  actionCatalog,
  builtinCatalog,
  catalogEntry,
  createActionRegistry,
  paramsJsonSchema,
} from "./registry";
export { type ActionContext, type ActionDefinition, defineAction, FatalError } from "./types";
