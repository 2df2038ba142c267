import { join } from "node:path";
import type { Definition, RunEvent } from "@sagaflow/shared";
import { MemoryRunStore, openSqliteStore } from "../engine";
import { historyEvents, newEngine, plantRun } from "../harness/engine-runs";
import { rawRecoveryPass } from "../harness/raw-sqlite";
import { formatCount, type GrowthPoint, perItemGrowth, startClock } from "../harness/stats";
import { midwayWorkflow } from "../harness/workflows";
import { type BenchContext, type Benchmark, compared, type Figure } from "../types";

/**
 * Recovery after a crash: N runs stopped in the middle of a step (the attempt started, never finished),
 * as a SIGKILL leaves them. A new engine on the file calls `recover()`: it loads and verifies each run's
 * history and re-runs the idempotent step (one commit per run). Baseline: raw better-sqlite3 reading
 * each run's row and events and committing one event per run. Measured at 3 sizes to show it is linear.
 */

interface Template {
  definition: Definition;
  events: RunEvent[];
  from: { runId: string; workflow: string; version: number };
}

/** One run stopped mid-step, made by the real engine (in memory): its events are the template. */
async function midwayTemplate(): Promise<Template> {
  const definition = midwayWorkflow();
  const store = new MemoryRunStore();
  const engine = newEngine(store);
  try {
    const runId = await engine.start(definition);
    await engine.idle();
    const events = await historyEvents(store, runId);
    if (!events.some((event) => event.type === "StepAttemptStarted" && event.stateId === "work")) {
      throw new Error("the template run did not reach its long step");
    }
    return { definition, events, from: { runId, workflow: definition.name, version: 1 } };
  } finally {
    await engine.close();
  }
}

/** A database with `runs` runs stopped mid-step, as a crashed process leaves it. */
async function crashedDatabase(path: string, template: Template, runs: number): Promise<string[]> {
  const store = openSqliteStore(path, { synchronous: "NORMAL" });
  try {
    await store.saveDefinition(template.definition, new Date().toISOString());
    const ids: string[] = [];
    for (let i = 0; i < runs; i++) {
      const runId = `crashed-${String(i).padStart(6, "0")}`;
      await plantRun(store, template.events, template.from, runId);
      ids.push(runId);
    }
    return ids;
  } finally {
    await store.close();
  }
}

async function recoverOnce(context: BenchContext, template: Template, runs: number) {
  const path = join(context.tempDir(), "crashed.db");
  const ids = await crashedDatabase(path, template, runs);
  const rawClock = startClock();
  rawRecoveryPass(path, ids, "NORMAL");
  const raw = rawClock.stop();
  const store = openSqliteStore(path, { synchronous: "NORMAL" });
  const engine = newEngine(store);
  try {
    const clock = startClock();
    const recovered = await engine.recover();
    const spent = clock.stop();
    if (recovered.continued.length !== runs || recovered.suspended.length !== 0) {
      throw new Error(
        `recovered ${recovered.continued.length} of ${runs} runs, ${recovered.suspended.length} suspended`,
      );
    }
    return { engine: spent, raw };
  } finally {
    await engine.close();
    await store.close();
  }
}

export const recovery: Benchmark = {
  name: "recovery",
  title: "Recovering unfinished runs after a crash",
  async run(context) {
    const sizes = context.scale === "tiny" ? [5, 10, 20] : [1_000, 3_000, 10_000];
    const template = await midwayTemplate();
    await recoverOnce(context, template, Math.min(sizes[0] ?? 1, 200));
    const figures: Figure[] = [];
    const engineGrowth: GrowthPoint[] = [];
    const rawGrowth: GrowthPoint[] = [];
    for (const runs of sizes) {
      const { engine, raw } = await recoverOnce(context, template, runs);
      const [ms, rawMs] = [engine.ms, raw.ms];
      context.log(
        `  ${runs} runs: engine ${Math.round(ms)} ms (CPU ${Math.round(engine.cpuMs)}), raw ${Math.round(rawMs)} ms`,
      );
      engineGrowth.push({ size: runs, ms: engine.cpuMs });
      rawGrowth.push({ size: runs, ms: raw.cpuMs });
      figures.push(
        compared({
          id: `recovery.runs.${runs}`,
          label: `Time to recover ${formatCount(runs)} runs stopped mid-step`,
          value: ms,
          unit: "ms",
          baseline: { label: "raw read + one commit per run", value: rawMs, unit: "ms" },
          size: `${formatCount(runs)} runs × ${template.events.length} events`,
          note: `${((ms / runs) * 1000).toFixed(0)} µs per run; CPU ${((engine.cpuMs / runs) * 1000).toFixed(0)} µs per run vs raw ${((raw.cpuMs / runs) * 1000).toFixed(0)} µs`,
        }),
      );
    }
    const growth = perItemGrowth(engineGrowth);
    figures.push(
      compared({
        id: "recovery.growth",
        label: "Recovery: CPU per run at the largest size ÷ at the smallest",
        value: growth,
        unit: "×",
        baseline: { label: "same for raw SQLite", value: perItemGrowth(rawGrowth), unit: "×" },
        target: { text: "≤ 1.5 (linear)", met: growth <= 1.5 },
        size: sizes.map(formatCount).join(" / "),
      }),
    );
    return figures;
  },
};
