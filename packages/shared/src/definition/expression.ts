/** A JSONata expression is written as a whole string `"{% … %}"`; any other string is literal. */
const EXPRESSION_PATTERN = /^\{%([\s\S]*)%\}$/;

export function isExpression(value: unknown): value is string {
  return typeof value === "string" && EXPRESSION_PATTERN.test(value.trim());
}

/** The JSONata source inside `{% … %}`, or undefined for a literal. */
export function expressionBody(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return EXPRESSION_PATTERN.exec(value.trim())?.[1]?.trim();
}
