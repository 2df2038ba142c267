import { isExpression } from "../definition/expression";
import type { CompensationState, Effect, JsonValue, TaskState } from "../definition/schema";
import type { ActionCatalog, ActionCatalogEntry, Diagnostic } from "../diagnostics";
import { diagnostic } from "./codes";
import { formatJsonPath, type PathSegment, parseJsonPointer } from "./json-path";
import { checkAgainstSchema } from "./json-schema";
import type { DefinitionIndex, StateEntry } from "./scopes";

/** Action checks: names and params against a catalog (when given), and the saga warnings about writes. */
export function checkActions(index: DefinitionIndex, catalog: ActionCatalog | undefined): Diagnostic[] {
  return index.entries.flatMap((entry) => {
    const { state } = entry;
    if (state.type !== "task" && state.type !== "compensation") return [];
    const found = catalog ? checkAgainstCatalog(entry, state, catalog) : [];
    if (state.type === "task") found.push(...checkWriteSafety(entry, state, catalog));
    return found;
  });
}

function checkAgainstCatalog(
  { id, path }: StateEntry,
  state: TaskState | CompensationState,
  catalog: ActionCatalog,
): Diagnostic[] {
  const action = catalogEntry(catalog, state.action);
  if (!action) {
    const suggestion = closestName(state.action, Object.keys(catalog));
    return [
      diagnostic(
        "unknown-action",
        [...path, "action"],
        `"${id}" uses unknown action "${state.action}"${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
      ),
    ];
  }
  const params = state.params ?? {};
  const check = checkAgainstSchema(action.params, params);
  // A broken schema is the catalog's fault, not the definition's: nothing to report here.
  if (!check.ok) return [];
  return check.errors
    .map((error) => ({ ...error, segments: locate(params, parseJsonPointer(error.instancePath)) }))
    .filter(({ segments }) => !crossesExpression(params, segments))
    .map(({ segments, message }) => {
      const where =
        segments.length > 0 ? `param ${formatJsonPath(segments).replace(/^\$\.?/, "")}` : "params";
      return diagnostic(
        "invalid-params",
        [...path, "params", ...segments],
        `${where} of "${id}" (${state.action}): ${message}`,
      );
    });
}

/** Pointer segments typed by the value they walk through: array indexes become numbers. */
function locate(params: Record<string, JsonValue>, pointer: string[]): PathSegment[] {
  let value: JsonValue | undefined = params;
  return pointer.map((segment) => {
    if (Array.isArray(value)) {
      value = value[Number(segment)];
      return Number(segment);
    }
    value =
      value !== null && typeof value === "object" && Object.hasOwn(value, segment)
        ? value[segment]
        : undefined;
    return segment;
  });
}

/** True when the value at `segments`, or any value on the way to it, is an expression: it is unknown until run time. */
function crossesExpression(params: Record<string, JsonValue>, segments: PathSegment[]): boolean {
  let value: JsonValue | undefined = params;
  for (const segment of segments) {
    if (isExpression(value)) return true;
    if (value === null || typeof value !== "object") return false;
    value = Array.isArray(value)
      ? value[Number(segment)]
      : Object.hasOwn(value, segment)
        ? value[segment]
        : undefined;
  }
  return isExpression(value);
}

function checkWriteSafety(
  { id, path }: StateEntry,
  state: TaskState,
  catalog: ActionCatalog | undefined,
): Diagnostic[] {
  if (effectOf(state, catalog) !== "write") return [];
  const found: Diagnostic[] = [];
  if (state.compensateWith === undefined) {
    found.push(
      diagnostic(
        "write-without-compensation",
        path,
        `task "${id}" writes (${state.action}) but has no compensateWith: add one, or set "compensateWith": null to say none is needed`,
      ),
    );
  }
  const attempts = state.retry?.maxAttempts ?? 1;
  if (attempts > 1 && state.idempotent !== true) {
    found.push(
      diagnostic(
        "retry-non-idempotent-write",
        [...path, "retry", "maxAttempts"],
        `task "${id}" retries a write (${attempts} attempts) but is not marked "idempotent": true; a retry may apply it twice`,
      ),
    );
  }
  return found;
}

/** The task's own effect, else the action's, read-only when its `readOnlyWhen` param says so. */
export function effectOf(state: TaskState, catalog: ActionCatalog | undefined): Effect | undefined {
  if (state.effect) return state.effect;
  const action = catalog ? catalogEntry(catalog, state.action) : undefined;
  if (!action) return undefined;
  const rule = action.readOnlyWhen;
  if (rule) {
    const value = state.params?.[rule.param] ?? paramDefault(action, rule.param);
    const upper = rule.values.map((v) => v.toUpperCase());
    if (typeof value === "string" && upper.includes(value.toUpperCase())) return "none";
  }
  return action.effect;
}

function paramDefault(action: ActionCatalogEntry, param: string): unknown {
  const properties = action.params.properties;
  if (properties === null || typeof properties !== "object") return undefined;
  const property = (properties as Record<string, unknown>)[param];
  return property !== null && typeof property === "object"
    ? (property as { default?: unknown }).default
    : undefined;
}

function catalogEntry(catalog: ActionCatalog, name: string): ActionCatalogEntry | undefined {
  return Object.hasOwn(catalog, name) ? catalog[name] : undefined;
}

/** A known name within two edits of a typo, if any. */
function closestName(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
