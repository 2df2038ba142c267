/** A JSONata expression is written as a whole string `"{% … %}"`; any other string is literal. */
const EXPRESSION_PATTERN = /^\{%([\s\S]*)%\}$/;

export function isExpression(value: unknown): value is string {
  return typeof value === "string" && EXPRESSION_PATTERN.test(value.trim());
}

/**
 * Bodies of strings already looked at (null: a literal). The engine asks for the same definition strings
 * at every step (a task's params, a choice's rules), and a map lookup costs a fraction of the pattern.
 */
const bodies = new Map<string, string | null>();

/** The JSONata source inside `{% … %}`, or undefined for a literal. */
export function expressionBody(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  let body = bodies.get(value);
  if (body === undefined) {
    body = EXPRESSION_PATTERN.exec(value.trim())?.[1]?.trim() ?? null;
    if (bodies.size >= 4096) bodies.clear();
    bodies.set(value, body);
  }
  return body ?? undefined;
}
