import type { JsonValue } from "@sagaflow/shared";

/**
 * A first input for a simulation, made from the definition's `inputSchema`: each required property gets
 * the plainest value its schema allows (a default or example when there is one). The user edits it from
 * there; a valid start means the first Simulate click already shows the workflow run.
 */
export function sampleInput(schema: unknown): JsonValue {
  return sampleOf(schema, 0) ?? {};
}

const MAX_DEPTH = 6;

function sampleOf(schema: unknown, depth: number): JsonValue | undefined {
  if (!isObject(schema) || depth > MAX_DEPTH) return undefined;
  if ("default" in schema) return schema.default as JsonValue;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0] as JsonValue;
  if ("const" in schema) return schema.const as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as JsonValue;
  const choice = [schema.anyOf, schema.oneOf].find(Array.isArray)?.[0];
  if (choice !== undefined) return sampleOf(choice, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
      const out: Record<string, JsonValue> = {};
      for (const key of required) out[key] = sampleOf(properties[key], depth + 1) ?? null;
      return out;
    }
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0;
      return Array.from({ length: min }, () => sampleOf(schema.items, depth + 1) ?? null);
    }
    case "string": {
      const min = typeof schema.minLength === "number" ? schema.minLength : 0;
      return "example".padEnd(min, "x");
    }
    case "integer":
    case "number":
      return numberSample(schema, type === "integer");
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return undefined;
  }
}

function numberSample(schema: Record<string, unknown>, integer: boolean): number {
  const num = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
  const low =
    num("minimum") ?? (num("exclusiveMinimum") === undefined ? undefined : num("exclusiveMinimum")! + 1);
  const high =
    num("maximum") ?? (num("exclusiveMaximum") === undefined ? undefined : num("exclusiveMaximum")! - 1);
  let value = low ?? (high !== undefined && high < 1 ? high : 1);
  if (integer) value = Math.ceil(value);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
