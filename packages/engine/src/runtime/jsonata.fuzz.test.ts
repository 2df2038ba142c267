import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateDeep } from "../core/expressions";
import { createJsonataEvaluator } from "./jsonata-evaluator";

/**
 * Fuzzing the expression evaluator the engine runs on every `{% … %}`: random expressions built from
 * JSONata's grammar (most of them wrong) either give a value or reject with an error (never a synchronous
 * throw, never a hang), and runaway expressions of every kind are stopped by the time limit.
 */

const bindings = {
  input: { n: 3, xs: [1, 2, 3], s: "abc", nested: { a: [{ b: 1 }, { b: 2 }] } },
  steps: { prev: { id: 7, ok: true } },
  run: { id: "r", workflow: "w", version: 1 },
};

const atom = fc.constantFrom(
  "$input",
  "$input.n",
  "$input.xs",
  "$input.nested.a.b",
  "$steps.prev.id",
  "$run.id",
  "$item",
  "$index",
  "$error",
  "$nope",
  "1",
  "0",
  "-1",
  "1e308",
  "'text'",
  '"q"',
  "true",
  "null",
  "[]",
  "{}",
  "$",
  "$$",
  "*",
  "**",
);
const binary = fc.constantFrom(
  "+",
  "-",
  "*",
  "/",
  "%",
  "=",
  "!=",
  "<",
  ">",
  "and",
  "or",
  "&",
  "in",
  "..",
  ".",
  "?",
  ":",
  ";",
  ":=",
);
const fn = fc.constantFrom(
  "$sum",
  "$count",
  "$string",
  "$number",
  "$map",
  "$filter",
  "$reduce",
  "$keys",
  "$split",
  "$join",
  "$substring",
  "$not",
  "$exists",
  "$lookup",
  "$sort",
  "$eval",
  "$now",
  "$random",
  "$match",
);
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small" },
    atom,
    fc.tuple(tie("e"), binary, tie("e")).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fn, fc.array(tie("e"), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(", ")})`),
    tie("e").map((e) => `(${e})`),
    tie("e").map((e) => `[${e}]`),
    tie("e").map((e) => `$input.xs[${e}]`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `{${a}: ${b}}`),
    tie("e").map((e) => `function($x) { ${e} }`),
    fc.string({ maxLength: 8 }),
  ),
})).e;

const RUNAWAYS = [
  "($f := function($x) { $f($x + 1) }; $f(0))",
  "($f := function($x) { $f($x) + $f($x) }; $f(0))",
  "$count([1..9999999].($ + 1))",
  "$sum($map([1..5000000], function($v) { $v * 2 }))",
  "$reduce([1..5000000], function($a, $b) { $a + $b })",
  "$join($map([1..3000000], function($v) { $string($v) }))",
  "($loop := function($i) { $i < 0 ? $i : $loop($i + 1) }; $loop(0))",
];

/** Cases per property; reported in docs/reliability.md. */
export const JSONATA_FUZZ_CASES = { random: 3000, runaway: RUNAWAYS.length };

describe("expression fuzzing", { timeout: 120_000 }, () => {
  it("gives a value or rejects with an error for any expression", async () => {
    const evaluate = createJsonataEvaluator({ timeoutMs: 200 });
    await fc.assert(
      fc.asyncProperty(expression, async (text) => {
        let pending: Promise<unknown>;
        try {
          pending = evaluateDeep(`{% ${text} %}`, bindings, evaluate);
        } catch (error) {
          throw new Error(`threw synchronously on ${text}: ${String(error)}`);
        }
        const outcome = await pending.then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(Error);
          expect((outcome.error as Error).message.length).toBeGreaterThan(0);
        } else {
          // Values go into the history as JSON: they must survive a round trip.
          expect(() => JSON.stringify(outcome.value)).not.toThrow();
        }
      }),
      { numRuns: JSONATA_FUZZ_CASES.random },
    );
  });

  it.each(RUNAWAYS)("stops the runaway %s with an error", async (text) => {
    const evaluate = createJsonataEvaluator({ timeoutMs: 100 });
    await expect(evaluateDeep(`{% ${text} %}`, bindings, evaluate)).rejects.toBeInstanceOf(Error);
  });
});
