import { afterAll, describe, expect, it } from "vitest";
import { createIsolateEvaluator } from "./isolate-evaluator";

const bindings = { input: { n: 3 }, steps: { a: { x: 1 } }, run: { id: "r", workflow: "w", version: 1 } };
const sandbox = createIsolateEvaluator({ timeoutMs: 300, memoryMb: 64 });
afterAll(() => sandbox.close());

describe("JSONata in an isolate", () => {
  it("evaluates with the run's variables bound", async () => {
    expect(await sandbox.evaluate("$input.n + $steps.a.x", bindings)).toBe(4);
    expect(await sandbox.evaluate("$run.workflow & '!'", bindings)).toBe("w!");
    expect(await sandbox.evaluate("$steps.nothing", bindings)).toBeNull();
  });

  it("cuts a catastrophic regex at its time limit while this thread stays free", async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const started = Date.now();
    await expect(
      sandbox.evaluate("$contains('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /^(a+)+$/)", bindings),
    ).rejects.toThrow(/time limit/);
    clearInterval(timer);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ticks).toBeGreaterThan(5);
    expect(await sandbox.evaluate("1 + 1", bindings)).toBe(2);
  });

  it("stops a memory bomb with a clear error, and the next expression runs in a fresh isolate", async () => {
    await expect(sandbox.evaluate("$length($pad('x', 300000000))", bindings)).rejects.toThrow(
      /more than 64 MB|time limit|payload/,
    );
    expect(await sandbox.evaluate("$input.n", bindings)).toBe(3);
  });

  it("refuses a value over the payload limits before parsing it here", async () => {
    const deep = createIsolateEvaluator({ maxDepth: 8 });
    await expect(deep.evaluate("[[[[[[[[[[1]]]]]]]]]]", bindings)).rejects.toThrow(/deeper than 8/);
    deep.close();
  });

  it("names the time limit when a loop runs too long", async () => {
    await expect(
      sandbox.evaluate("($f := function($n){ $n = 0 ? 0 : $f($n - 1) + 1 }; $f(100000000))", bindings),
    ).rejects.toThrow(/time limit|stack/i);
  });
});
