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
      message: expect.stringContaining("ran longer than its 50 ms time limit"),
    });
  });

  it("reports JSONata's own errors by their message, never [object Object]", async () => {
    const evaluate = createJsonataEvaluator();
    const error = await evaluateDeep("{% $nosuch(1) %}", bindings, evaluate).catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(/Attempted to invoke a non-function \(at \d+\)/);
    expect((error as Error).message).not.toContain("[object Object]");
  });
});
