export { builtinActions, defaultBackupPath } from "./builtin";
export { ActionError, abortReason, throwIfAborted } from "./errors";
export { InvalidParamsError, invokeAction } from "./invoke";
export { ActionModuleError, collectActions, loadActionsModule } from "./load-module";
export { createPathPolicy, ForbiddenPathError, type PathPolicy } from "./paths";
export { simulatedBuiltins } from "./simulated";
export {
  type ActionRegistry,
  actionCatalog,
  builtinCatalog,
  catalogEntry,
  createActionRegistry,
  paramsJsonSchema,
} from "./registry";
export { type ActionContext, type ActionDefinition, defineAction, FatalError } from "./types";
