import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ActionDefinition } from "./types";

/** Thrown when a custom actions module cannot be used; the message names the file and the fix. */
export class ActionModuleError extends Error {
  override name = "ActionModuleError";
}

/** Looks like an action: a name and a handler. Whether the rest is right is checked by `checkAction`. */
function looksLikeAction(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { name?: unknown }).name === "string" &&
    typeof (value as { handler?: unknown }).handler === "function"
  );
}

/** Zod 4 schemas carry `_zod`; checked by shape so a module's own copy of zod works too. */
function isZodSchema(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    "_zod" in value &&
    typeof (value as { safeParse?: unknown }).safeParse === "function"
  );
}

function checkAction(candidate: Record<string, unknown>, where: string, file: string): ActionDefinition {
  const problem = (message: string) => new ActionModuleError(`${file}: action ${where} ${message}`);
  const name = candidate.name as string;
  if (!/^[A-Za-z][\w.-]*$/.test(name))
    throw problem(`has an invalid name "${name}" (letters, digits, . _ -)`);
  if (!isZodSchema(candidate.params)) {
    throw problem(
      `"${name}": params must be a zod schema, e.g. z.object({ … }) (got ${typeof candidate.params})`,
    );
  }
  if (candidate.effect !== "none" && candidate.effect !== "write") {
    throw problem(`"${name}": effect must be "none" or "write" (got ${JSON.stringify(candidate.effect)})`);
  }
  if (typeof candidate.description !== "string") throw problem(`"${name}": description must be a string`);
  return candidate as unknown as ActionDefinition;
}

/** The actions a module exports: its default export (an array or one action), else its named exports. */
export function collectActions(exports: Record<string, unknown>, file: string): ActionDefinition[] {
  const found: ActionDefinition[] = [];
  const fromDefault = exports.default;
  if (Array.isArray(fromDefault)) {
    fromDefault.forEach((item, index) => {
      if (!looksLikeAction(item)) {
        throw new ActionModuleError(
          `${file}: default export item ${index} is not an action (defineAction({ … }))`,
        );
      }
      found.push(checkAction(item, `default[${index}]`, file));
    });
  } else if (looksLikeAction(fromDefault)) {
    found.push(checkAction(fromDefault, "default", file));
  } else {
    for (const [exportName, value] of Object.entries(exports)) {
      if (looksLikeAction(value)) found.push(checkAction(value, `"${exportName}"`, file));
    }
  }
  if (found.length === 0) {
    throw new ActionModuleError(
      `${file} exports no actions: export them with defineAction({ name, description, params, effect, handler }), ` +
        "as named exports or a default array",
    );
  }
  const seen = new Set<string>();
  for (const action of found) {
    if (seen.has(action.name))
      throw new ActionModuleError(`${file} defines action "${action.name}" more than once`);
    seen.add(action.name);
  }
  return found;
}

/** Imports a TypeScript or JavaScript module of custom actions (`--actions ./my-actions.ts`). */
export async function loadActionsModule(file: string): Promise<ActionDefinition[]> {
  const absolute = path.resolve(file);
  let exports: Record<string, unknown>;
  try {
    // tsx loads only when a module of custom actions is given (it costs a command ~0.3 s to load).
    const { tsImport } = await import("tsx/esm/api");
    exports = (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw new ActionModuleError(`${file}: cannot load the actions module: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return collectActions(exports, file);
}
