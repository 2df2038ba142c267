import type { ActionCatalog, ActionCatalogEntry } from "@sagaflow/shared";
import { z } from "zod";
import { builtinActions } from "./builtin";
import type { ActionDefinition } from "./types";

/** Actions by name, as the interpreter looks them up. */
export type ActionRegistry = ReadonlyMap<string, ActionDefinition>;

/** Builds the registry; a name given twice is refused, so one action never silently hides another. */
export function createActionRegistry(actions: Iterable<ActionDefinition>): ActionRegistry {
  const registry = new Map<string, ActionDefinition>();
  for (const action of actions) {
    if (registry.has(action.name)) throw new Error(`Action "${action.name}" is defined more than once`);
    registry.set(action.name, action);
  }
  return registry;
}

/** The JSON Schema of the params a definition may write (input side: defaults are optional). */
export function paramsJsonSchema(action: ActionDefinition): Record<string, unknown> {
  return z.toJSONSchema(action.params, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

export function catalogEntry(action: ActionDefinition): ActionCatalogEntry {
  return {
    name: action.name,
    description: action.description,
    effect: action.effect,
    ...(action.readOnlyWhen ? { readOnlyWhen: action.readOnlyWhen } : {}),
    params: paramsJsonSchema(action),
  };
}

/** Plain data for the validator and the designer's forms (SPEC §4). */
export function actionCatalog(actions: Iterable<ActionDefinition>): ActionCatalog {
  const catalog: ActionCatalog = {};
  for (const action of createActionRegistry(actions).values()) catalog[action.name] = catalogEntry(action);
  return catalog;
}

let cachedBuiltinCatalog: ActionCatalog | undefined;

export function builtinCatalog(): ActionCatalog {
  cachedBuiltinCatalog ??= actionCatalog(builtinActions);
  return cachedBuiltinCatalog;
}
