import jsonata from "jsonata";

/**
 * Expressions whose cost is bounded by the size of their inputs (which the payload limits bound): paths,
 * filters, arithmetic, comparisons, conditions, array and object constructors, and a short list of
 * linear built-ins. These are most expressions a workflow has (`$steps.charge.id`, `$input.n > 3`), and
 * they are evaluated on the orchestrator's thread: crossing to the isolate costs ~175 µs each. Anything
 * else — regular expressions, ranges, lambdas, string builders like `$pad`, higher-order functions —
 * goes to the isolate, where a bomb hurts only its own step. An allow-list, so a construct JSONata adds
 * later is isolated until someone judges it.
 */

const SAFE_NODES = new Set([
  "path",
  "name",
  "string",
  "number",
  "value",
  "variable",
  "binary",
  "unary",
  "condition",
  "block",
  "function",
  "filter",
  "wildcard",
]);

/** Operators whose result is no bigger than their operands ("..", the range operator, is not here). */
const SAFE_OPERATORS = new Set([
  "+",
  "-",
  "*",
  "/",
  "%",
  "=",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "and",
  "or",
  "in",
  "&",
  "[",
  "{",
]);

const SAFE_FUNCTIONS = new Set([
  "exists",
  "not",
  "boolean",
  "number",
  "count",
  "sum",
  "max",
  "min",
  "average",
  "abs",
  "floor",
  "ceil",
  "round",
  "length",
  "lowercase",
  "uppercase",
  "trim",
  "keys",
  "lookup",
  "append",
  "distinct",
  "now",
  "millis",
]);

type Node = { type?: string; value?: unknown; [key: string]: unknown };

/**
 * Small expressions only: an expression's cost is bounded by its size times its inputs' (a 64-node
 * expression that concatenates one 256 KiB input 30 times builds under 8 MB).
 */
const MAX_NODES = 64;

function safe(node: unknown, depth: number, budget: { nodes: number }): boolean {
  if (depth > 64) return false;
  if (Array.isArray(node)) return node.every((child) => safe(child, depth + 1, budget));
  if (node === null || typeof node !== "object") return true;
  const n = node as Node;
  if (n.type !== undefined) {
    budget.nodes += 1;
    if (budget.nodes > MAX_NODES) return false;
    if (!SAFE_NODES.has(n.type)) return false;
    if ((n.type === "binary" || n.type === "unary") && !SAFE_OPERATORS.has(String(n.value))) return false;
    if (n.type === "function") {
      const procedure = n.procedure as Node | undefined;
      if (procedure?.type !== "variable" || !SAFE_FUNCTIONS.has(String(procedure.value))) return false;
    }
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === "procedure" || key === "position" || key === "value") continue;
    if (!safe(child, depth + 1, budget)) return false;
  }
  return true;
}

const verdicts = new Map<string, boolean>();

/** Whether `expression` may run on this thread (see above); unparseable ones go to the isolate too. */
export function isBoundedExpression(expression: string): boolean {
  let verdict = verdicts.get(expression);
  if (verdict === undefined) {
    try {
      verdict = safe(jsonata(expression).ast(), 0, { nodes: 0 });
    } catch {
      verdict = false;
    }
    if (verdicts.size >= 2000) verdicts.clear();
    verdicts.set(expression, verdict);
  }
  return verdict;
}
