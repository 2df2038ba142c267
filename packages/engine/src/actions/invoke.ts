import { z } from "zod";
import type { ActionContext, ActionDefinition } from "./types";
import { FatalError } from "./types";

/** Params that do not match the action's schema once expressions are evaluated. Never retried. */
export class InvalidParamsError extends FatalError {
  override name = "InvalidParams";
}

/**
 * Runs an action as the engine does: parses the evaluated params with the action's schema (applying
 * defaults), then calls the handler. A mismatch fails with InvalidParams naming each wrong param.
 */
export async function invokeAction(
  action: ActionDefinition,
  params: unknown,
  context: ActionContext,
): Promise<unknown> {
  return invokeActionNow(action, params, context);
}

/**
 * `invokeAction` for the in-process executor's fast path: a synchronous handler's output comes back at
 * once, anything else as its promise. Invalid params and a synchronous handler's errors throw.
 */
export function invokeActionNow(
  action: ActionDefinition,
  params: unknown,
  context: ActionContext,
): Promise<unknown> | unknown {
  const parsed = action.params.safeParse(params ?? {});
  if (!parsed.success) {
    throw new InvalidParamsError(`Invalid params for ${action.name}:\n${z.prettifyError(parsed.error)}`);
  }
  return action.handler(parsed.data, context);
}
