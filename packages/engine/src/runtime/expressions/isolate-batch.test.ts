import { afterAll, describe, expect, it } from "vitest";
import { createIsolateEvaluator } from "./isolate-evaluator";

const bindings = {
  input: { n: 3, s: "ab" },
  steps: { a: { x: 1 } },
  run: { id: "r", workflow: "w", version: 1 },
};
const sandbox = createIsolateEvaluator({ timeoutMs: 300, memoryMb: 64 });
afterAll(() => sandbox.close());

/** Outcomes as plain data, to compare the batch with one by one. */
async function oneByOne(expressions: string[]) {
  const out: unknown[] = [];
  for (const expression of expressions) {
    try {
      out.push({ ok: true, value: await sandbox.evaluate(expression, bindings) });
    } catch (error) {
      out.push({ ok: false, error: `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return out;
}

const plain = (outcomes: Awaited<ReturnType<typeof sandbox.evaluateBatch>>) =>
  outcomes.map((outcome) =>
    outcome.ok
      ? outcome
      : { ok: false, error: `${(outcome.error as Error).name}: ${(outcome.error as Error).message}` },
  );

describe("a state's expressions in one batch", () => {
  it("sends every expression that needs the isolate in one crossing, bounded ones stay here", async () => {
    // $string, $join and $substring are not bounded (bounded-expression.ts): they need the isolate.
    const expressions = [
      "$string($input.n)",
      "$input.n + 1",
      "$join(['a', $input.s], '-')",
      "$substring($input.s, 1)",
    ];
    const before = sandbox.crossings;
    const outcomes = await sandbox.evaluateBatch(expressions, bindings, "error");
    expect(sandbox.crossings - before).toBe(1);
    expect(outcomes).toEqual([
      { ok: true, value: "3" },
      { ok: true, value: 4 },
      { ok: true, value: "a-ab" },
      { ok: true, value: "b" },
    ]);
    const single = sandbox.crossings;
    expect(await oneByOne(expressions)).toEqual(outcomes);
    expect(sandbox.crossings - single).toBe(3);
  });

  it("stops at the first error, with the error one by one gives", async () => {
    const expressions = ["$string(1)", "$number('x')", "$string(2)"];
    const outcomes = plain(await sandbox.evaluateBatch(expressions, bindings, "error"));
    expect(outcomes).toHaveLength(2);
    expect(outcomes).toEqual((await oneByOne(expressions)).slice(0, 2));
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.stringContaining("Unable to cast") });
  });

  it("for choice rules, stops at the first true one; a bounded true rule keeps later rules from crossing", async () => {
    const rules = ["$contains($input.s, 'z')", "$contains($input.s, 'b')", "$number('boom')"];
    const outcomes = await sandbox.evaluateBatch(rules, bindings, "truthy");
    expect(outcomes).toEqual([
      { ok: true, value: false },
      { ok: true, value: true },
    ]);
    const before = sandbox.crossings;
    const cut = await sandbox.evaluateBatch(["$input.n > 2", "$contains($input.s, 'b')"], bindings, "truthy");
    expect(cut).toEqual([{ ok: true, value: true }]);
    expect(sandbox.crossings).toBe(before);
  });

  it("pins a regex bomb cut by the isolate's clock on its own expression", async () => {
    const expressions = [
      "$string(1)",
      "$contains('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /^(a+)+$/)",
      "$string(3)",
    ];
    const outcomes = plain(await sandbox.evaluateBatch(expressions, bindings, "error"));
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.stringMatching(/^Timeout: .*time limit/) });
    expect(await sandbox.evaluateBatch(["$string(5)"], bindings, "error")).toEqual([
      { ok: true, value: "5" },
    ]);
  });

  it("a memory bomb in a batch fails its own expression, and the sandbox goes on", async () => {
    const expressions = ["$string(1)", "$length($pad('x', 300000000))"];
    const outcomes = plain(await sandbox.evaluateBatch(expressions, bindings, "error"));
    // Cut by the isolate's clock rather than its heap (a loaded machine), the values before the cut one
    // are not known (null): a batch's caller reads only up to its first error.
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(outcomes[1]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/64 MB|time limit|payload/),
    });
    expect(await sandbox.evaluateBatch(["$string(7)"], bindings, "error")).toEqual([
      { ok: true, value: "7" },
    ]);
  });
  it("answers a batch of bounded, compiled expressions on the spot, without a promise, as one by one would", async () => {
    const expressions = ["$input.n + 1", "$steps.a.x", "$input.n > 5", "$input.s"];
    const before = sandbox.crossings;
    const outcomes = sandbox.evaluateBatch(expressions, bindings, "error");
    expect(outcomes).not.toBeInstanceOf(Promise);
    expect(plain(await outcomes)).toEqual(await oneByOne(expressions));
    // A rule batch stops at the first true value there too.
    const rules = sandbox.evaluateBatch(["$input.n > 5", "$input.n = 3", "$input.n = 4"], bindings, "truthy");
    expect(rules).toEqual([
      { ok: true, value: false },
      { ok: true, value: true },
    ]);
    expect(sandbox.crossings).toBe(before);
  });

  it("goes the async way when one expression of the batch needs the isolate", async () => {
    const outcomes = sandbox.evaluateBatch(["$input.n + 1", "$string($input.n)"], bindings, "error");
    expect(outcomes).toBeInstanceOf(Promise);
    expect(plain(await outcomes)).toEqual([
      { ok: true, value: 4 },
      { ok: true, value: "3" },
    ]);
  });
});
