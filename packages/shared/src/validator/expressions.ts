import jsonata from "jsonata";
import { isExpression } from "../definition/expression";
import type { JsonValue } from "../definition/schema";
import type { Diagnostic } from "../diagnostics";
import { diagnostic } from "./codes";
import type { PathSegment } from "./json-path";
import type { DefinitionIndex, StateEntry } from "./scopes";

const EXPRESSION_PARTS = /^(\s*\{%)(\s*)([\s\S]*?)\s*%\}\s*$/;

/** Parses every `{% … %}` string of every state with JSONata; syntax errors carry their position. */
export function checkExpressions(index: DefinitionIndex): Diagnostic[] {
  return index.entries.flatMap((entry) => [...checkEveryString(entry), ...checkRequiredExpressions(entry)]);
}

function checkEveryString({ state, path }: StateEntry): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const [field, value] of Object.entries(state)) {
    // Nested states are checked as entries of their own; comments are prose.
    if (field === "branches" || field === "iterator" || field === "comment") continue;
    visitStrings(value as JsonValue, [...path, field], (text, at) => {
      const problem = expressionProblem(text);
      if (problem)
        found.push(diagnostic("bad-expression", at, problem.message, { position: problem.position }));
    });
  }
  return found;
}

/** Fields whose value must be computed: a literal there is a mistake, not a value. */
function checkRequiredExpressions({ id, state, path }: StateEntry): Diagnostic[] {
  const found: Diagnostic[] = [];
  if (state.type === "choice") {
    state.choices.forEach((rule, i) => {
      if (!isExpression(rule.when)) {
        found.push(
          diagnostic(
            "expression-required",
            [...path, "choices", i, "when"],
            `condition ${i} of choice "${id}" must be an expression written "{% … %}", got ${JSON.stringify(rule.when)}`,
          ),
        );
      }
    });
  }
  if (state.type === "map" && typeof state.items === "string" && !isExpression(state.items)) {
    found.push(
      diagnostic(
        "expression-required",
        [...path, "items"],
        `items of map "${id}" must be an array or an expression "{% … %}" giving one`,
      ),
    );
  }
  if (state.type === "wait" && state.until !== undefined && !isExpression(state.until)) {
    if (!isIsoTime(state.until)) {
      found.push(
        diagnostic(
          "bad-time",
          [...path, "until"],
          `until of wait "${id}" is neither an expression nor an ISO-8601 time: ${JSON.stringify(state.until)}`,
        ),
      );
    }
  }
  return found;
}

/** The syntax error of an expression string, positioned as a 0-based offset into the whole string. */
export function expressionProblem(text: string): { message: string; position: number } | undefined {
  if (!isExpression(text)) return undefined;
  const parts = EXPRESSION_PARTS.exec(text);
  const bodyOffset = parts ? parts[1]!.length + parts[2]!.length : 0;
  const body = parts?.[3] ?? "";
  if (body === "")
    return { message: "empty expression: write JSONata between {% and %}", position: bodyOffset };
  const problem = syntaxProblem(body);
  return problem && { message: problem.message, position: bodyOffset + problem.at };
}

/** Parse results by source: the designer re-validates on every edit, and parsing dominates the cost. */
const parsed = new Map<string, { message: string; at: number } | null>();
const MAX_CACHED = 2000;

function syntaxProblem(body: string): { message: string; at: number } | undefined {
  const cached = parsed.get(body);
  if (cached !== undefined) return cached ?? undefined;
  let problem: { message: string; at: number } | null = null;
  try {
    jsonata(body);
  } catch (error) {
    const { code, position, message } = (error ?? {}) as {
      code?: string;
      position?: number;
      message?: string;
    };
    const at = typeof position === "number" ? Math.min(position, body.length) : 0;
    const where = typeof position === "number" ? ` at position ${at}` : "";
    problem = {
      message: `expression syntax error${where}${code ? ` (${code})` : ""}: ${message ?? String(error)} in ${JSON.stringify(body)}`,
      at,
    };
  }
  if (parsed.size >= MAX_CACHED) parsed.clear();
  parsed.set(body, problem);
  return problem ?? undefined;
}

function visitStrings(
  value: JsonValue,
  path: PathSegment[],
  visit: (text: string, path: PathSegment[]) => void,
) {
  if (typeof value === "string") {
    visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      visitStrings(item, [...path, i], visit);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) visitStrings(item, [...path, key], visit);
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function isIsoTime(text: string): boolean {
  return ISO_TIME.test(text) && !Number.isNaN(Date.parse(text));
}
