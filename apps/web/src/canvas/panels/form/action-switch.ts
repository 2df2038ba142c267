import type { ActionCatalogEntry, JsonValue } from "@sagaflow/shared";

type Schema = Record<string, unknown>;

/** A starting value for a required param, so the form shows what to fill in (undefined: leave it blank). */
function starter(schema: Schema): JsonValue | undefined {
  if (schema.default !== undefined) return schema.default as JsonValue;
  if (Array.isArray(schema.enum)) return schema.enum[0] as JsonValue;
  switch (schema.type) {
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean":
      return false;
    case "string":
      return schema.format === "uri" ? "https://example.com" : undefined;
    case undefined:
      // Untyped (any JSON): the step's input passes through until the user writes something else.
      return "anyOf" in schema || "oneOf" in schema ? undefined : "{% $input %}";
    default:
      return undefined;
  }
}

export interface ActionSwitch {
  params: Record<string, JsonValue> | undefined;
  /** Params carried over from the old action, which the user is offered to drop. */
  carried: string[];
  /** Of those, the ones the new action does not know. */
  unknown: string[];
}

/**
 * What the params become when a state's action changes: the old ones stay until the user drops them
 * (they may be worth keeping), and the new action's required params are pre-filled where a sensible
 * starting value exists.
 */
export function switchAction(
  old: Record<string, JsonValue> | undefined,
  entry: ActionCatalogEntry | undefined,
): ActionSwitch {
  const carried = Object.keys(old ?? {});
  if (!entry) return { params: old, carried: [], unknown: [] };
  const properties = (entry.params.properties ?? {}) as Record<string, Schema>;
  const required = Array.isArray(entry.params.required) ? (entry.params.required as string[]) : [];
  const params: Record<string, JsonValue> = { ...old };
  for (const key of required) {
    const value = key in params ? undefined : starter(properties[key] ?? {});
    if (value !== undefined) params[key] = value;
  }
  return {
    params: Object.keys(params).length > 0 ? params : undefined,
    carried,
    unknown: carried.filter((key) => !(key in properties)),
  };
}

/** The params without the carried-over ones (what "Drop" does), keeping those pre-filled since. */
export function dropCarried(
  params: Record<string, JsonValue> | undefined,
  carried: readonly string[],
  entry: ActionCatalogEntry | undefined,
): Record<string, JsonValue> | undefined {
  return switchAction(
    Object.fromEntries(Object.entries(params ?? {}).filter(([key]) => !carried.includes(key))),
    entry,
  ).params;
}
