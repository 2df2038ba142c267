import type { Definition } from "@sagaflow/shared";
import { afterAll, describe, expect, it } from "vitest";
import { createIsolateEvaluator } from "../src/runtime/expressions/isolate-evaluator";
import { createHarness, openStore, runToEnd } from "./helpers";

const sandbox = createIsolateEvaluator();
afterAll(() => sandbox.close());

describe("a state's expressions cross to the isolate once (SQLite store)", () => {
  it("a task's params and a choice's rules: one crossing each, whatever their number", async () => {
    const h = createHarness(openStore("sqlite"), {
      evaluator: sandbox.evaluate,
      evaluateBatch: sandbox.evaluateBatch,
    });
    // $string, $join, $substring and $contains need the isolate (bounded-expression.ts); $input.n + 1 does not.
    const definition: Definition = {
      name: "batched",
      startAt: "build",
      states: {
        build: {
          type: "task",
          action: "echo",
          params: {
            value: {
              text: "{% $string($input.n) %}",
              joined: "{% $join(['x', $string($input.n)], '-') %}",
              list: ["{% $substring('hello', 1) %}", "{% $input.n + 1 %}", "literal"],
            },
          },
          next: "pick",
        },
        pick: {
          type: "choice",
          choices: [
            { when: "{% $contains($steps.build.text, '9') %}", next: "nine" },
            { when: "{% $contains($steps.build.joined, '4') %}", next: "four" },
          ],
          otherwise: "nine",
        },
        nine: { type: "fail", error: "Nine" },
        four: { type: "succeed" },
      },
    };
    const before = sandbox.crossings;
    const run = await runToEnd(h, definition, { n: 4 });
    expect(run.status).toBe("succeeded");
    expect(h.calls[0]?.params).toEqual({ value: { text: "4", joined: "x-4", list: ["ello", 5, "literal"] } });
    expect(sandbox.crossings - before).toBe(2);
    const history = (await h.engine.getHistory("run-1")).map((stored) => stored.event);
    expect(history.find((event) => event.type === "ChoiceTaken")).toMatchObject({ next: "four", rule: 1 });
    await h.engine.close();
  });

  it("the first failing expression fails the task with its own message, as one by one did", async () => {
    const h = createHarness(openStore("sqlite"), {
      evaluator: sandbox.evaluate,
      evaluateBatch: sandbox.evaluateBatch,
    });
    const definition: Definition = {
      name: "batched-error",
      startAt: "build",
      states: {
        build: {
          type: "task",
          action: "echo",
          params: { a: "{% $string(1) %}", b: "{% $number('nope') %}", c: "{% $number('worse') %}" },
          onError: "abort",
          end: true,
        },
      },
    };
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("failed");
    expect(run.snapshot.error).toMatchObject({
      error: "ExpressionError",
      message: expect.stringMatching(/^\{% \$number\('nope'\) %\}: .*Unable to cast/),
    });
    expect(h.calls).toHaveLength(0);
    await h.engine.close();
  });
});
