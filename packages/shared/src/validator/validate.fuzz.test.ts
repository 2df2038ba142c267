import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ActionCatalog } from "../diagnostics";
import { validDefinition } from "./testing/valid-definition";
import { validateDefinition } from "./validate";

/**
 * Fuzzing the validator, the gate every definition passes (designer, server, command line): whatever it is
 * given, it answers with diagnostics and never throws. Inputs are valid definitions damaged at a random
 * depth, hostile strings where expressions and ids go, deep nesting and prototype keys.
 */

const catalog: ActionCatalog = {
  transform: { name: "transform", description: "", effect: "none", params: { type: "object" } },
  "sql.exec": {
    name: "sql.exec",
    description: "",
    effect: "write",
    params: {
      type: "object",
      properties: { database: { type: "string" }, sql: { type: "string" } },
      required: ["database", "sql"],
    },
  },
};

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "{%",
    "{% %}",
    "{% $ %}",
    "{% ((((( %}",
    "{% $steps.[ %}",
    "{% function($x) { $x } %}",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "a".repeat(5000),
    "\u0000",
    "\ud800",
    "𝕊tate",
    "-1",
    "1e309",
  ),
);

const junk = fc.oneof(
  hostileString,
  fc.anything({
    maxDepth: 3,
    withNullPrototype: true,
    withBigInt: true,
    withMap: true,
    withSet: true,
    withDate: true,
  }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, Symbol("s"), () => 1, new Error("x")),
);

/** A path into a JSON value, chosen with `choices` (one number per level). */
function damage(
  value: unknown,
  choices: number[],
  replacement: unknown,
  mode: "replace" | "delete" | "rename",
): unknown {
  if (choices.length === 0 || typeof value !== "object" || value === null) return replacement;
  const [choice, ...rest] = choices as [number, ...number[]];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as object) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return replacement;
  const key = keys[choice % keys.length] as string;
  const child = (copy as Record<string, unknown>)[key];
  if (rest.length === 0 || typeof child !== "object" || child === null) {
    if (mode === "delete") delete (copy as Record<string, unknown>)[key];
    else if (mode === "rename") {
      delete (copy as Record<string, unknown>)[key];
      (copy as Record<string, unknown>)[typeof replacement === "string" ? replacement : "__proto__"] = child;
    } else (copy as Record<string, unknown>)[key] = replacement;
    return copy;
  }
  (copy as Record<string, unknown>)[key] = damage(child, rest, replacement, mode);
  return copy;
}

function checkAnswer(input: unknown): void {
  const result = validateDefinition(input, { actions: catalog });
  expect(typeof result.ok).toBe("boolean");
  expect(result.ok).toBe(result.diagnostics.every((d) => d.severity !== "error"));
  for (const d of result.diagnostics) {
    expect(["error", "warning"]).toContain(d.severity);
    expect(typeof d.message).toBe("string");
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.path.startsWith("$")).toBe(true);
  }
}

/** Cases per property; reported in docs/reliability.md. */
export const VALIDATOR_FUZZ_CASES = { damaged: 800, hostileStates: 500, nested: 60 };

describe("validator fuzzing", { timeout: 120_000 }, () => {
  it("answers damaged definitions with diagnostics, never an exception", () => {
    fc.assert(
      fc.property(
        validDefinition(2),
        fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
        junk,
        fc.constantFrom("replace" as const, "delete" as const, "rename" as const),
        (definition, choices, replacement, mode) =>
          checkAnswer(damage(definition, choices, replacement, mode)),
      ),
      { numRuns: VALIDATOR_FUZZ_CASES.damaged },
    );
  });

  it("answers hostile ids, expressions and transitions", () => {
    const state = fc.record(
      {
        type: fc.constantFrom(
          "task",
          "choice",
          "wait",
          "signal",
          "parallel",
          "map",
          "succeed",
          "fail",
          "compensation",
          "nope",
        ),
        action: fc.constantFrom("transform", "sql.exec", "missing.action"),
        params: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
        next: hostileString,
        until: hostileString,
        items: hostileString,
        choices: fc.array(fc.record({ when: hostileString, next: hostileString }), { maxLength: 2 }),
        compensateWith: hostileString,
        duration: fc.oneof(hostileString, fc.double()),
      },
      { requiredKeys: ["type"] },
    );
    fc.assert(
      fc.property(fc.dictionary(hostileString, state, { maxKeys: 5 }), hostileString, (states, startAt) =>
        checkAnswer({ name: "fuzz", startAt, states }),
      ),
      { numRuns: VALIDATOR_FUZZ_CASES.hostileStates },
    );
  });

  it("answers very deep nesting of parallel and map states", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.boolean(), (depth, broken) => {
        let machine: Record<string, unknown> = { startAt: "leaf0", states: { leaf0: { type: "succeed" } } };
        for (let level = 1; level <= depth; level += 1) {
          const id = `s${level}`;
          const state =
            level % 2 === 0
              ? { type: "parallel", branches: { only: machine }, end: true }
              : { type: "map", items: "{% $input.xs %}", iterator: machine, end: true };
          machine = {
            startAt: id,
            states: { [id]: broken && level === depth ? { ...state, end: false } : state },
          };
        }
        checkAnswer({ name: "deep", ...machine });
      }),
      { numRuns: VALIDATOR_FUZZ_CASES.nested },
    );
  });
});
