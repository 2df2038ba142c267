import { describe, expect, it } from "vitest";
import { type BatchEvaluator, batchOf, evaluateValue, firstTrueRule } from "./expression-batch";
import { createJsonataEvaluator } from "./jsonata-evaluator";

const bindings = { input: { n: 2 }, steps: {}, run: { id: "r", workflow: "w", version: 1 } };

/** A batch evaluator that records each call it gets. */
function counting(): { batch: BatchEvaluator; calls: string[][] } {
  const calls: string[][] = [];
  const inner = batchOf(createJsonataEvaluator());
  return {
    calls,
    batch: (expressions, given, stop) => {
      calls.push([...expressions]);
      return inner(expressions, given, stop);
    },
  };
}

describe("a value's expressions in one batch", () => {
  it("evaluates every {% %} of a value in one call, depth first, and puts each value in its place", async () => {
    const { batch, calls } = counting();
    const value = { a: "{% $input.n %}", b: ["x", "{% $input.n * 2 %}", { c: "{% $input.n + 1 %}" }], d: 1 };
    expect(await evaluateValue(value, bindings, batch)).toEqual({ a: 2, b: ["x", 4, { c: 3 }], d: 1 });
    expect(calls).toEqual([["$input.n", "$input.n * 2", "$input.n + 1"]]);
  });

  it("a value without expressions makes no call and comes back as a copy", async () => {
    const { batch, calls } = counting();
    const value = { a: [1, { b: "text" }] };
    const out = await evaluateValue(value, bindings, batch);
    expect(out).toEqual(value);
    expect(out).not.toBe(value);
    expect(calls).toHaveLength(0);
  });

  it("names the first failing expression, and evaluates none after it", async () => {
    const seen: string[] = [];
    const batch = batchOf(async (expression) => {
      seen.push(expression);
      if (expression === "bad") throw new Error("no good");
      return 1;
    });
    await expect(evaluateValue(["{% ok %}", "{% bad %}", "{% later %}"], bindings, batch)).rejects.toThrow(
      "{% bad %}: no good",
    );
    expect(seen).toEqual(["ok", "bad"]);
  });

  it("choice rules: the first true one wins in one call; an error before it fails, one after it never runs", async () => {
    const { batch, calls } = counting();
    expect(
      await firstTrueRule(["{% $input.n > 5 %}", "$input.n > 1", "{% $input.n > 0 %}"], bindings, batch),
    ).toBe(1);
    expect(calls).toEqual([["$input.n > 5", "$input.n > 1", "$input.n > 0"]]);
    expect(await firstTrueRule(["{% $input.n > 5 %}"], bindings, batch)).toBeUndefined();
    expect(await firstTrueRule(["{% [] %}", "{% [1] %}"], bindings, batch)).toBe(1);
    await expect(firstTrueRule(["{% $number('x') %}", "{% true %}"], bindings, batch)).rejects.toThrow(
      /^\{% \$number\('x'\) %\}: /,
    );
    expect(await firstTrueRule(["{% true %}", "{% $number('x') %}"], bindings, batch)).toBe(0);
  });
});
