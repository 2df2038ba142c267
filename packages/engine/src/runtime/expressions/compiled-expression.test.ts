import { describe, expect, it } from "vitest";
import type { ExpressionBindings } from "../../core/expressions";
import { createJsonataEvaluator } from "../../core/jsonata-evaluator";
import { compiledExpression, FALLBACK } from "./compiled-expression";

const jsonata = createJsonataEvaluator();

const EXPRESSIONS = [
  "$steps.a",
  "$steps.a.b",
  "$input.x.y.z",
  "$steps.a + 1",
  "$steps.a - $input.x",
  "$steps.a * 2 / $input.x",
  "$steps.a % 3",
  "-$steps.a",
  "$steps.a < 10",
  "$steps.a >= $input.x",
  "$steps.a = 'done'",
  "$steps.a != $input.x",
  "$steps.a and $input.x",
  "$steps.a or $input.x",
  "$exists($steps.a) ? $steps.a + 1 : 1",
  "$steps.a ? 'yes' : 'no'",
  "$steps.a ? 'yes'",
  "'id-' & $steps.a",
  "$steps.a & $input.x",
  "$not($steps.a)",
  "$exists($input.x.y)",
  "$run.id & ':' & $index",
  "$item.name",
  "$error.message",
  "true",
  "null",
  "42",
];

/** Values of every kind JSONata treats differently, the odd ones included. */
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  -0,
  1,
  -2.5,
  0.1,
  1e300,
  123456789012345680,
  "",
  "done",
  "10",
  true,
  false,
  [],
  [1, 2],
  [{ b: 1 }],
  {},
  { b: 2 },
  { b: { c: 1 } },
  { y: { z: "deep" } },
];

function pick(random: () => number): unknown {
  return VALUES[Math.floor(random() * VALUES.length)];
}

/** A seeded generator, so a failure names its case. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function bindingsFor(random: () => number): ExpressionBindings {
  const steps: Record<string, unknown> = {};
  const a = pick(random);
  if (a !== undefined) steps.a = a;
  const input: Record<string, unknown> = {};
  const x = pick(random);
  if (x !== undefined) input.x = x;
  const withIndex = random() < 0.5;
  return {
    input: input as ExpressionBindings["input"],
    steps: steps as ExpressionBindings["steps"],
    run: { id: "r", workflow: "w", version: 1 },
    ...(withIndex ? { index: 2, item: pick(random) as ExpressionBindings["item"] } : {}),
    error: random() < 0.5 ? null : { error: "E", message: "m" },
  };
}

describe("expressions compiled from JSONata's parse", () => {
  it("compiles the common shapes and leaves the others to JSONata", () => {
    for (const expression of EXPRESSIONS) expect(compiledExpression(expression), expression).toBeDefined();
    for (const expression of [
      "$steps.a[0]",
      "$steps.*",
      "$sum($steps.a)",
      "$steps.a.$string()",
      "[1,2]",
      "$",
    ]) {
      expect(compiledExpression(expression), expression).toBeUndefined();
    }
  });

  it("agrees with JSONata on every value it answers, and falls back where JSONata would refuse", async () => {
    const random = seeded(21);
    let answered = 0;
    for (let round = 0; round < 3000; round++) {
      const expression = EXPRESSIONS[round % EXPRESSIONS.length] as string;
      const bindings = bindingsFor(random);
      const compiled = compiledExpression(expression);
      if (!compiled) throw new Error(`not compiled: ${expression}`);
      const fast = compiled(bindings);
      if (fast === FALLBACK) continue;
      answered += 1;
      const label = `${expression} with ${JSON.stringify(bindings)}`;
      let reference: unknown;
      try {
        reference = await jsonata(expression, bindings);
      } catch (error) {
        throw new Error(`${label}: compiled gave ${JSON.stringify(fast)}, JSONata threw ${String(error)}`);
      }
      expect(fast, label).toEqual(reference);
    }
    expect(answered).toBeGreaterThan(1500);
  });
});
