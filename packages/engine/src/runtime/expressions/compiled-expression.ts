import jsonata from "jsonata";
import type { ExpressionBindings } from "../../core/expressions";

/*
 * The commonest expressions of a workflow (`$steps.charge.id`, `$steps.n + 1`, `$input.size > 10`,
 * `$exists($steps.x) ? … : …`) compiled from JSONata's own parse into plain functions: evaluating them
 * through JSONata costs ~10 µs each (its async evaluator, environments, sequences), which was a tenth of
 * a step's CPU. JSONata stays the reference: a compiled function handles only plain values (numbers,
 * strings, booleans, null, missing, and objects walked by name) and answers FALLBACK for anything else
 * (an array on a path, a type JSONata would refuse, a number out of range), and then JSONata evaluates
 * the expression as before. `compiled-expression.test.ts` checks both agree on generated inputs.
 */

export const FALLBACK: unique symbol = Symbol("fallback to JSONata");

type Value = unknown;
export type Compiled = (bindings: ExpressionBindings) => Value | typeof FALLBACK;
type Node = { type?: string; value?: unknown; [key: string]: unknown };

const cache = new Map<string, Compiled | null>();

/** The compiled form of `expression`, or undefined when it uses anything outside the subset. */
export function compiledExpression(expression: string): Compiled | undefined {
  let found = cache.get(expression);
  if (found === undefined) {
    try {
      found = compile(jsonata(expression).ast() as Node) ?? null;
    } catch {
      found = null;
    }
    if (cache.size >= 2000) cache.clear();
    cache.set(expression, found);
  }
  return found ?? undefined;
}

/** Only these fields may appear on a node: any other (predicates, stages, grouping…) means "not ours". */
function only(node: Node, fields: string[]): boolean {
  // Own keys: the parser's nodes inherit its symbol table's fields (id, lbp, nud).
  for (const key of Object.keys(node)) {
    if (key !== "type" && key !== "value" && key !== "position" && !fields.includes(key)) return false;
  }
  return true;
}

function compile(node: Node): Compiled | undefined {
  switch (node.type) {
    case "number":
    case "string":
    case "value": {
      if (!only(node, [])) return undefined;
      const constant = node.value;
      return () => constant;
    }
    case "variable":
      return only(node, []) ? variable(String(node.value)) : undefined;
    case "path":
      return only(node, ["steps"]) ? path(node.steps) : undefined;
    case "binary":
      return only(node, ["lhs", "rhs"])
        ? binary(String(node.value), node.lhs as Node, node.rhs as Node)
        : undefined;
    case "unary":
      return node.value === "-" && only(node, ["expression"]) ? negate(node.expression as Node) : undefined;
    case "condition":
      return only(node, ["condition", "then", "else"]) ? condition(node) : undefined;
    case "function":
      return only(node, ["arguments", "procedure", "name"]) ? call(node) : undefined;
    default:
      return undefined;
  }
}

function variable(name: string): Compiled | undefined {
  switch (name) {
    case "input":
      return (b) => b.input;
    case "steps":
      return (b) => b.steps;
    case "run":
      return (b) => b.run;
    case "error":
      return (b) => b.error ?? null;
    case "index":
      return (b) => b.index;
    case "item":
      return (b) => (b.index === undefined ? undefined : (b.item ?? null));
    default:
      return undefined;
  }
}

/** `$var.name.name…`: one object walked by own names; an array anywhere is JSONata's (it maps over it). */
function path(steps: unknown): Compiled | undefined {
  if (!Array.isArray(steps) || steps.length < 2) return undefined;
  const [first, ...rest] = steps as Node[];
  if (first?.type !== "variable" || !only(first, [])) return undefined;
  const start = variable(String(first.value));
  if (!start) return undefined;
  const names: string[] = [];
  for (const step of rest) {
    if (step.type !== "name" || !only(step, [])) return undefined;
    names.push(String(step.value));
  }
  return (b) => {
    let value = start(b);
    for (const name of names) {
      if (Array.isArray(value)) return FALLBACK;
      if (value === null || typeof value !== "object") return undefined;
      value = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
    }
    return Array.isArray(value) ? FALLBACK : value;
  };
}

const isNumber = (value: Value): value is number => typeof value === "number";

function binary(op: string, lhsNode: Node, rhsNode: Node): Compiled | undefined {
  const lhs = compile(lhsNode);
  const rhs = compile(rhsNode);
  if (!lhs || !rhs) return undefined;
  const arithmetic = ARITHMETIC[op];
  if (arithmetic) {
    return (b) => {
      const left = lhs(b);
      const right = rhs(b);
      if (left === FALLBACK || right === FALLBACK) return FALLBACK;
      // JSONata refuses a non-number before it lets a missing operand make the result missing.
      if ((left !== undefined && !isNumber(left)) || (right !== undefined && !isNumber(right)))
        return FALLBACK;
      if (left === undefined || right === undefined) return undefined;
      const result = arithmetic(left as number, right as number);
      return Number.isFinite(result) ? result : FALLBACK;
    };
  }
  const compare = COMPARISON[op];
  if (compare) {
    return (b) => {
      const left = lhs(b);
      const right = rhs(b);
      if (left === FALLBACK || right === FALLBACK) return FALLBACK;
      if (!comparable(left) || !comparable(right)) return FALLBACK;
      if (left === undefined || right === undefined) return undefined;
      return typeof left === typeof right ? compare(left as never, right as never) : FALLBACK;
    };
  }
  if (op === "=" || op === "!=") {
    const equal = op === "=";
    return (b) => {
      const left = lhs(b);
      const right = rhs(b);
      if (left === FALLBACK || right === FALLBACK) return FALLBACK;
      if (left === undefined || right === undefined) return false;
      if (!isPrimitive(left) || !isPrimitive(right)) return FALLBACK;
      return (left === right) === equal;
    };
  }
  if (op === "and" || op === "or") {
    const and = op === "and";
    return (b) => {
      const left = truth(lhs(b));
      if (left === FALLBACK) return FALLBACK;
      if (and ? !left : left) return left;
      return truth(rhs(b));
    };
  }
  if (op === "&") {
    return (b) => {
      const left = text(lhs(b));
      const right = text(rhs(b));
      return left === FALLBACK || right === FALLBACK ? FALLBACK : left + right;
    };
  }
  return undefined;
}

const ARITHMETIC: Record<string, ((a: number, b: number) => number) | undefined> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
};

const COMPARISON: Record<string, ((a: number | string, b: number | string) => boolean) | undefined> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** What JSONata compares: numbers, strings, or missing (then the comparison is missing too). */
function comparable(value: Value): boolean {
  return value === undefined || typeof value === "number" || typeof value === "string";
}

function isPrimitive(value: Value): boolean {
  return (
    value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean"
  );
}

/** JSONata's boolean cast of a plain value (missing is false); objects and arrays are JSONata's. */
function truth(value: Value | typeof FALLBACK): boolean | typeof FALLBACK {
  if (value === FALLBACK) return FALLBACK;
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  return FALLBACK;
}

/** `&`'s string cast: missing is ""; whole numbers print as JSON does; others are JSONata's ($string). */
function text(value: Value | typeof FALLBACK): string | typeof FALLBACK {
  if (value === FALLBACK) return FALLBACK;
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || value === null) return String(value);
  // $string prints numbers at 15 significant digits: whole numbers below that print as JavaScript does.
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return FALLBACK;
}

function negate(expression: Node): Compiled | undefined {
  const inner = compile(expression);
  if (!inner) return undefined;
  return (b) => {
    const value = inner(b);
    if (value === FALLBACK || value === undefined) return value;
    return isNumber(value) ? -value : FALLBACK;
  };
}

function condition(node: Node): Compiled | undefined {
  const test = compile(node.condition as Node);
  const then = node.then === undefined ? undefined : compile(node.then as Node);
  const otherwise = node.else === undefined ? () => undefined : compile(node.else as Node);
  if (!test || !then || !otherwise) return undefined;
  return (b) => {
    const holds = truth(test(b));
    if (holds === FALLBACK) return FALLBACK;
    return holds ? then(b) : otherwise(b);
  };
}

/** `$exists(x)` and `$not(x)`: the two built-ins conditions use most. */
function call(node: Node): Compiled | undefined {
  const procedure = node.procedure as Node | undefined;
  const args = node.arguments as Node[] | undefined;
  if (procedure?.type !== "variable" || !only(procedure, []) || args?.length !== 1) return undefined;
  const argument = compile(args[0] as Node);
  if (!argument) return undefined;
  if (procedure.value === "exists") {
    return (b) => {
      const value = argument(b);
      return value === FALLBACK ? FALLBACK : value !== undefined;
    };
  }
  if (procedure.value === "not") {
    return (b) => {
      const value = argument(b);
      if (value === FALLBACK || value === undefined) return value;
      const holds = truth(value);
      return holds === FALLBACK ? FALLBACK : !holds;
    };
  }
  return undefined;
}
