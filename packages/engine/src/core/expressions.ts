import { expressionBody, type JsonValue, type RunError } from "@sagaflow/shared";

/** Evaluates one JSONata expression body with `$input`, `$steps`, … bound. Injected into decide. */
export type Evaluator = (expression: string, bindings: ExpressionBindings) => Promise<unknown>;

export interface ExpressionBindings {
  input: JsonValue;
  steps: Record<string, JsonValue>;
  run: { id: string; workflow: string; version: number };
  item?: JsonValue;
  index?: number;
  error?: RunError | null;
}

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

/** JSONata results as plain JSON: `undefined` (no match) is null, sequences become arrays. */
export function toJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  // Primitives (most results) as JSON would give them back, without the round trip.
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value + 0 : null;
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/** Replaces every `{% … %}` string inside `value` (deeply) by its value; other strings stay literal. */
export async function evaluateDeep(
  value: JsonValue,
  bindings: ExpressionBindings,
  evaluate: Evaluator,
): Promise<JsonValue> {
  if (typeof value === "string") {
    const body = expressionBody(value);
    if (body === undefined) return value;
    try {
      return toJson(await evaluate(body, bindings));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ExpressionError(`${value}: ${message}`);
    }
  }
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) out.push(await evaluateDeep(item, bindings, evaluate));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [key, inner] of Object.entries(value))
      out[key] = await evaluateDeep(inner, bindings, evaluate);
    return out;
  }
  return value;
}

/** A choice rule's `when`: a `{% … %}` string or a bare JSONata expression. */
export async function evaluateCondition(
  when: string,
  bindings: ExpressionBindings,
  evaluate: Evaluator,
): Promise<boolean> {
  const body = expressionBody(when) ?? when;
  const value = await evaluateDeep(`{% ${body} %}`, bindings, evaluate);
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}
