import { createHash } from "node:crypto";
import { canonicalJson, hashEvent } from "../../packages/engine/src/history/hash";
import { createJsonataEvaluator } from "../../packages/engine/src/runtime/jsonata-evaluator";
import { builtinActions, MemoryRunStore } from "../src/engine";
import { historyEvents, newEngine, runToEnd } from "../src/harness/engine-runs";
import { loopWorkflow } from "../src/harness/workflows";

/**
 * The CPU cost of each piece of work one loop step does, measured alone (µs per step, best of 5), so the
 * profile's percentages can be read as time:  node --import tsx scripts/step-anatomy.ts
 */
const memory = new MemoryRunStore();
const engine = newEngine(memory);
const [runId] = await runToEnd(engine, loopWorkflow(5));
const snapshot = (await memory.getRun(runId as string))?.snapshot;
const events = (await historyEvents(memory, runId as string)).slice(5, 10);
await engine.close();

async function cost(label: string, work: () => unknown | Promise<unknown>, rounds = 5000): Promise<void> {
  let best = Number.POSITIVE_INFINITY;
  for (let repeat = 0; repeat < 5; repeat++) {
    const started = process.cpuUsage();
    for (let i = 0; i < rounds; i++) await work();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / rounds);
  }
  process.stdout.write(`${best.toFixed(1).padStart(7)} µs  ${label}\n`);
}

const evaluate = createJsonataEvaluator();
const bindings = { input: {}, steps: { step: 41 }, run: { id: "r", workflow: "w", version: 1 } };
const transform = builtinActions.find((action) => action.name === "transform");
process.stdout.write(`snapshot ${JSON.stringify(snapshot).length} B, ${events.length} events per step\n`);
await cost("structuredClone(snapshot) (Working, once per decision)", () => structuredClone(snapshot));
await cost("JSON round trip of the snapshot (for comparison)", () => JSON.parse(JSON.stringify(snapshot)));
await cost("JSON.stringify(snapshot) (the stored checkpoint)", () => JSON.stringify(snapshot));
await cost("hash chain: canonicalJson + sha256 of the step's events", () => {
  let prev = "";
  for (const [seq, event] of events.entries()) prev = hashEvent(prev, { runId: "r", seq, at: "t", event });
});
await cost("  of which canonicalJson", () => {
  for (const event of events) canonicalJson({ runId: "r", seq: 1, at: "t", event });
});
await cost("  of which sha256 of plain JSON.stringify", () => {
  for (const event of events) createHash("sha256").update(JSON.stringify(event)).digest("hex");
});
await cost("JSON.stringify of the step's events (stored rows)", () => {
  for (const event of events) JSON.stringify(event);
});
await cost("jsonata: the task param and the choice condition", async () => {
  await evaluate("$exists($steps.step) ? $steps.step + 1 : 1", bindings);
  await evaluate(`$steps.step < 10000`, bindings);
});
await cost("action dispatch: zod params + AbortController + timeout timer", () => {
  const controller = new AbortController();
  const timer = setTimeout(() => {}, 60_000);
  clearTimeout(timer);
  return transform?.params.safeParse({ value: 1 }).success && controller.signal.aborted;
});
