import { isExpression, type JsonValue } from "@sagaflow/shared";

/**
 * How a param's value reads and parses in a one-box editor. An expression (`{% … %}`) is shown and
 * kept as the text it is, whatever type the param has once evaluated; anything else is JSON, or a
 * number for numeric params.
 */
export type ValueKind = "any" | "number" | "integer" | "boolean";

export function valueToText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string" && isExpression(value)) return value;
  return JSON.stringify(value, null, 2);
}

export type Parsed = { ok: true; value: JsonValue | undefined } | { ok: false; error: string };

export function parseValueText(text: string, kind: ValueKind): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: undefined };
  if (trimmed.startsWith("{%")) {
    return isExpression(trimmed)
      ? { ok: true, value: trimmed }
      : { ok: false, error: "An expression ends with %}" };
  }
  if (kind === "number" || kind === "integer") {
    const n = Number(trimmed);
    if (!Number.isFinite(n)) return { ok: false, error: "A number, or an expression {% … %}" };
    if (kind === "integer" && !Number.isInteger(n))
      return { ok: false, error: "A whole number, or an expression {% … %}" };
    return { ok: true, value: n };
  }
  if (kind === "boolean") {
    if (trimmed === "true" || trimmed === "false") return { ok: true, value: trimmed === "true" };
    return { ok: false, error: "true, false, or an expression {% … %}" };
  }
  try {
    return { ok: true, value: JSON.parse(trimmed) as JsonValue };
  } catch {
    return {
      ok: false,
      error: 'Not JSON: write "text" in quotes, a number, true, a list [ ], an object { }, or {% … %}',
    };
  }
}
