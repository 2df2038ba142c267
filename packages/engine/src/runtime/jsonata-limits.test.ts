import { describe, expect, it } from "vitest";
import { evaluateDeep } from "../core/expressions";
import { createJsonataEvaluator } from "./jsonata-evaluator";
import { MAX_NATIVE_ITEMS } from "./jsonata-limits";

/*
 * JSONata checks its time limit between steps; one native step that builds a huge value used to run past
 * it (a range of 1e7 numbers: ~0.2–0.5 s) or abort the whole process ($pad to 3e8 characters). Each such
 * step is now bounded, so the limit holds to within one small step.
 */

const bindings = { input: {}, steps: {}, run: { id: "r", workflow: "w", version: 1 } };
/** Generous for a shared 2-core machine; an unbounded range alone takes longer than the limit plus this. */
const SLACK_MS = 150;

async function timed(expression: string, timeoutMs: number) {
  const evaluate = createJsonataEvaluator({ timeoutMs });
  const started = performance.now();
  const outcome = await evaluateDeep(`{% ${expression} %}`, bindings, evaluate).then(
    (value) => ({ value, error: undefined }),
    (error: Error) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - started };
}

describe("the in-process JSONata time limit holds against huge native steps", () => {
  it("a range longer than the limit fails at once instead of building ten million numbers", async () => {
    const { error, ms } = await timed("$count([1..10000000])", 1000);
    expect(error?.message).toMatch(/maximum sequence length/);
    expect(ms).toBeLessThan(SLACK_MS);
  });

  it("ranges up to the limit still work", async () => {
    expect((await timed(`$count([1..${MAX_NATIVE_ITEMS}])`, 5000)).value).toBe(MAX_NATIVE_ITEMS);
  });

  it("a loop of the largest ranges stops within a few steps of its time limit", async () => {
    // One largest step, timed under the same load, is the unit: before, one step could be ten of these.
    // The slowest of three, taken before and after, so a collection pause on a loaded machine is in the
    // unit as it can be in the loop.
    const step = async () => (await timed(`$count([1..${MAX_NATIVE_ITEMS}])`, 5000)).ms;
    const before = Math.max(await step(), await step(), await step());
    const { error, ms } = await timed(`$sum([1..1000].$count([1..${MAX_NATIVE_ITEMS}]))`, 300);
    const unit = Math.max(before, await step());
    expect(error?.message).toMatch(/time limit|timeout/i);
    expect(ms - 300).toBeLessThan(4 * unit + 50);
  });

  it("$pad past the limit fails cleanly (it used to abort the process), and pads as before below it", async () => {
    const { error, ms } = await timed("$length($pad('x', 300000000))", 1000);
    expect(error?.message).toMatch(/\$pad to 300000000 characters: at most 1000000/);
    expect(ms).toBeLessThan(SLACK_MS);
    expect(
      (await timed("[$pad('ab', 5, '-'), $pad('ab', -5), $pad('ab', 5, '12'), $pad('ab', 1)]", 1000)).value,
    ).toEqual(["ab---", "   ab", "ab121", "ab"]);
    expect((await timed("'x' ~> $pad(4, '.')", 1000)).value).toBe("x...");
  });
});
