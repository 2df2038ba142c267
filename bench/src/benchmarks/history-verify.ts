import { join } from "node:path";
import type { RunEvent } from "@sagaflow/shared";
import { MemoryRunStore, openSqliteStore } from "../engine";
import { historyEvents, newEngine, plantRun, runToEnd } from "../harness/engine-runs";
import { rawHistoryRead } from "../harness/raw-sqlite";
import { formatCount, type GrowthPoint, perItemGrowth, type Spent, startClock } from "../harness/stats";
import { loopWorkflow } from "../harness/workflows";
import { type Benchmark, compared, type Figure } from "../types";

/**
 * Loading and verifying one long history (a loop run): `engine.verify` reads the run and its events from
 * SQLite, checks every hash link and that the snapshot is the fold of the events. Baseline: raw
 * better-sqlite3 reading and parsing the same rows. The histories are prefixes of one engine-made loop run.
 */

/** Rounds per size, the fastest kept. */
const ROUNDS = 3;

/** The lower wall and the lower CPU of two rounds (each on its own: a pause hits one or the other). */
const fastest = (best: Spent | undefined, round: Spent): Spent =>
  best ? { ms: Math.min(best.ms, round.ms), cpuMs: Math.min(best.cpuMs, round.cpuMs) } : round;

/** Events per loop step, roughly; the loop runs enough steps for the largest size. */
const EVENTS_PER_STEP = 4.5;

async function loopHistory(events: number): Promise<{ events: RunEvent[]; runId: string }> {
  const store = new MemoryRunStore();
  const engine = newEngine(store);
  try {
    const [runId] = await runToEnd(engine, loopWorkflow(Math.ceil(events / EVENTS_PER_STEP) + 10));
    if (!runId) throw new Error("no run");
    const history = await historyEvents(store, runId);
    if (history.length < events) throw new Error(`the loop made ${history.length} events, not ${events}`);
    return { events: history, runId };
  } finally {
    await engine.close();
  }
}

export const historyVerify: Benchmark = {
  name: "history",
  title: "Loading and verifying a long history",
  async run(context) {
    const sizes = context.scale === "tiny" ? [100, 200, 400] : [10_000, 30_000, 100_000];
    const largest = Math.max(...sizes);
    const loop = await loopHistory(largest);
    const definition = loopWorkflow(Math.ceil(largest / EVENTS_PER_STEP) + 10);
    const path = join(context.tempDir(), "histories.db");
    const planting = openSqliteStore(path, { synchronous: "NORMAL" });
    const from = { runId: loop.runId, workflow: definition.name, version: 1 };
    try {
      await planting.saveDefinition(definition, new Date().toISOString());
      for (const size of sizes) await plantRun(planting, loop.events.slice(0, size), from, `history-${size}`);
    } finally {
      await planting.close();
    }

    const store = openSqliteStore(path, { synchronous: "NORMAL" });
    const engine = newEngine(store);
    const figures: Figure[] = [];
    const engineGrowth: GrowthPoint[] = [];
    const rawGrowth: GrowthPoint[] = [];
    try {
      await engine.verify(`history-${sizes[0]}`);
      rawHistoryRead(path, `history-${sizes[0]}`);
      for (const size of sizes) {
        const runId = `history-${size}`;
        // Best of ROUNDS a side, CPU and wall apart: one round's GC pause (a 10,000-event round once took
        // 34 ms of CPU against ~12) flipped the growth ratio on its own.
        let raw: Spent | undefined;
        let verified: Spent | undefined;
        for (let round = 0; round < ROUNDS; round += 1) {
          const rawClock = startClock();
          const rawRows = rawHistoryRead(path, runId);
          raw = fastest(raw, rawClock.stop());
          const clock = startClock();
          const verdict = await engine.verify(runId);
          verified = fastest(verified, clock.stop());
          if (!verdict.ok || verdict.lastSeq !== size || rawRows !== size) {
            throw new Error(`history of ${size} events: ${JSON.stringify(verdict)}, raw read ${rawRows}`);
          }
        }
        if (!raw || !verified) throw new Error("no round measured");
        context.log(
          `  ${size} events: verify ${Math.round(verified.ms)} ms (CPU ${Math.round(verified.cpuMs)}), raw ${Math.round(raw.ms)} ms`,
        );
        engineGrowth.push({ size, ms: verified.cpuMs });
        rawGrowth.push({ size, ms: raw.cpuMs });
        figures.push(
          compared({
            id: `history.verify.${size}`,
            label: `Load and verify a history of ${formatCount(size)} events`,
            value: verified.ms,
            unit: "ms",
            baseline: { label: "raw SELECT + JSON.parse", value: raw.ms, unit: "ms" },
            size: `${formatCount(size)} events`,
            note: `${((verified.ms / size) * 1000).toFixed(1)} µs per event`,
          }),
        );
      }
    } finally {
      await engine.close();
      await store.close();
    }
    const growth = perItemGrowth(engineGrowth);
    figures.push(
      compared({
        id: "history.growth",
        label: "History verify: CPU per event at the largest size ÷ at the smallest",
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
