import type { RunSnapshot } from "@sagaflow/shared";
import { decide } from "../../packages/engine/src/core/decide";
import { createJsonataEvaluator } from "../../packages/engine/src/core/jsonata-evaluator";
import { createIsolateEvaluator } from "../../packages/engine/src/runtime/expressions/isolate-evaluator";
import { MemoryRunStore } from "../src/engine";
import { newEngine } from "../src/harness/engine-runs";
import { loopWorkflow } from "../src/harness/workflows";

/**
 * CPU µs of one decide of the throughput loop's step (attempt succeeded → the next attempt started), each
 * decision from the one before, best of 5, with the in-thread and the isolate evaluators:
 *   node --import tsx scripts/decide-cost.ts
 */
const memory = new MemoryRunStore();
const engine = newEngine(memory);
const definition = loopWorkflow(1_000_000);
const id = await engine.start(definition);
await new Promise((r) => setTimeout(r, 300));
await engine.close();
const first = (await memory.getRun(id))?.snapshot as RunSnapshot;
const sandbox = createIsolateEvaluator();
for (const [label, context] of [
  ["in-thread jsonata", { now: Date.now(), evaluate: createJsonataEvaluator(), random: () => 0.5 }],
  [
    "isolate evaluator (bounded here)",
    { now: Date.now(), evaluate: sandbox.evaluate, evaluateBatch: sandbox.evaluateBatch, random: () => 0.5 },
  ],
] as const) {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let snapshot = first;
    const started = process.cpuUsage();
    for (let i = 0; i < 5000; i++) {
      const attempt = Object.values(snapshot.inFlight)[0];
      if (!attempt) throw new Error("no attempt in flight");
      const output = (snapshot.steps.step as number) + 1;
      snapshot = (
        await decide(
          definition,
          snapshot,
          { type: "attemptSucceeded", attemptId: attempt.id, output, durationMs: 1 },
          context,
        )
      ).snapshot;
    }
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 5000);
  }
  process.stdout.write(`${best.toFixed(1)} µs per decide, ${label}\n`);
}
sandbox.close();
