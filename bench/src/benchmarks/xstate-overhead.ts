import { join } from "node:path";
import { MemoryRunStore, openSqliteStore, type RunStore } from "../engine";
import { newEngine, runToEnd } from "../harness/engine-runs";
import { formatCount, perSecond, timed } from "../harness/stats";
import { loopWorkflow } from "../harness/workflows";
import { runXstateLoop } from "../harness/xstate-loop";
import { type Benchmark, compared } from "../types";

/**
 * The cost of durability made visible: the same loop of `transform` tasks in XState v5 (in memory, not
 * durable), in the engine with its in-memory store, and in the engine on SQLite (synchronous=NORMAL).
 */

async function engineLoop(store: RunStore, steps: number): Promise<number> {
  const engine = newEngine(store);
  try {
    const { ms } = await timed(() => runToEnd(engine, loopWorkflow(steps)));
    return ms;
  } finally {
    await engine.close();
    await store.close();
  }
}

export const xstateOverhead: Benchmark = {
  name: "xstate",
  title: "Engine overhead against XState v5 (in memory)",
  async run(context) {
    const steps = context.scale === "tiny" ? 20 : 10_000;
    // Warm both interpreters up, so neither pays the other's JIT.
    await runXstateLoop(Math.min(steps, 500));
    await engineLoop(new MemoryRunStore(), Math.min(steps, 200));

    const xstate = await timed(() => runXstateLoop(steps));
    if (xstate.value !== steps) throw new Error(`XState counted ${xstate.value} steps, not ${steps}`);
    const memoryMs = await engineLoop(new MemoryRunStore(), steps);
    const durableMs = await engineLoop(
      openSqliteStore(join(context.tempDir(), "engine.db"), { synchronous: "NORMAL" }),
      steps,
    );
    const xstateRate = perSecond(steps, xstate.ms);
    const baseline = { label: "XState v5, in memory", value: xstateRate, unit: "steps/s" };
    const size = `${formatCount(steps)} tasks`;
    context.log(
      `  xstate ${Math.round(xstate.ms)} ms, engine memory ${Math.round(memoryMs)} ms, SQLite ${Math.round(durableMs)} ms`,
    );
    return [
      compared({
        id: "xstate.engine-memory",
        label: "Steps/s, engine with its in-memory store (not durable)",
        value: perSecond(steps, memoryMs),
        unit: "steps/s",
        baseline,
        size,
        note: "the interpreter's own cost: decide, fold, expressions, hash chain, no disk",
      }),
      compared({
        id: "xstate.engine-durable",
        label: "Steps/s, engine on SQLite (durable, NORMAL)",
        value: perSecond(steps, durableMs),
        unit: "steps/s",
        baseline,
        size,
      }),
    ];
  },
};
