import { describe, expect, it } from "vitest";
import { evaluateDeep } from "../core/expressions";
import { createJsonataEvaluator } from "./jsonata-evaluator";

const bindings = { input: { n: 2 }, steps: { a: { id: 7 } }, run: { id: "r", workflow: "w", version: 1 } };

describe("createJsonataEvaluator", () => {
  it("replaces expressions deeply and keeps literals", async () => {
    const evaluate = createJsonataEvaluator();
    const value = await evaluateDeep(
      { sum: "{% $input.n + $steps.a.id %}", list: ["{% $run.id %}", "plain"], missing: "{% $steps.none %}" },
      bindings,
      evaluate,
    );
    expect(value).toEqual({ sum: 9, list: ["r", "plain"], missing: null });
  });

  it("stops a runaway expression with an ExpressionError", async () => {
    const evaluate = createJsonataEvaluator({ timeoutMs: 50 });
    const forever = "{% ($loop := function($i) { $loop($i + 1) }; $loop(0)) %}";
    await expect(evaluateDeep(forever, bindings, evaluate)).rejects.toMatchObject({
      name: "ExpressionError",
    });
  });
});
