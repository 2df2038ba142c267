import { join } from "node:path";
import { openSqliteStore } from "../engine";
import { averageShape, meterCommits } from "../harness/commit-meter";
import { newEngine, runToEnd } from "../harness/engine-runs";
import { rawCommitTime } from "../harness/raw-sqlite";
import { formatCount, perSecond, timed } from "../harness/stats";
import { chainWorkflow } from "../harness/workflows";
import { type BenchContext, type Benchmark, compared, type Figure } from "../types";

/**
 * A linear workflow of N distinct states (not a loop): the snapshot keeps an entry per state (`steps`,
 * `stateRuns`), so each commit writes more than the one before. Measured at two sizes to show how the
 * cost of a step grows with the length of the definition; baseline: raw commits of the same sizes.
 */

async function chainRun(context: BenchContext, tasks: number) {
  const store = openSqliteStore(join(context.tempDir(), "engine.db"), { synchronous: "NORMAL" });
  const engine = newEngine(store);
  const meter = meterCommits(store);
  try {
    const { ms } = await timed(() => runToEnd(engine, chainWorkflow(tasks)));
    return { ms, commits: meter.commits };
  } finally {
    await engine.close();
    await store.close();
  }
}

async function chainShape(context: BenchContext, tasks: number) {
  const store = openSqliteStore(join(context.tempDir(), "shape.db"), { synchronous: "NORMAL" });
  const engine = newEngine(store);
  const meter = meterCommits(store, { sizes: true });
  try {
    await runToEnd(engine, chainWorkflow(tasks));
    return averageShape(meter, 1);
  } finally {
    await engine.close();
    await store.close();
  }
}

export const chainGrowth: Benchmark = {
  name: "chain",
  title: "Linear chains of distinct states",
  async run(context) {
    const sizes = context.scale === "tiny" ? [10, 20] : [500, 1_000];
    const figures: Figure[] = [];
    const perStep: number[] = [];
    for (const tasks of sizes) {
      const shape = await chainShape(context, tasks);
      const engine = await chainRun(context, tasks);
      const { ms: rawMs } = rawCommitTime(join(context.tempDir(), "raw.db"), "NORMAL", {
        ...shape,
        commits: engine.commits,
      });
      perStep.push(engine.ms / tasks);
      context.log(`  ${tasks} states: engine ${Math.round(engine.ms)} ms, raw ${Math.round(rawMs)} ms`);
      figures.push(
        compared({
          id: `chain.${tasks}`,
          label: `Durable steps/s, one run through ${formatCount(tasks)} distinct states, NORMAL`,
          value: perSecond(tasks, engine.ms),
          unit: "steps/s",
          baseline: {
            label: "raw better-sqlite3, same commits and sizes",
            value: perSecond(tasks, rawMs),
            unit: "steps/s",
          },
          size: `${formatCount(tasks)} tasks`,
          note: `average snapshot ${Math.round(shape.snapshotBytes / 1024)} KB per commit`,
        }),
      );
    }
    const first = perStep[0] ?? Number.NaN;
    const last = perStep[perStep.length - 1] ?? Number.NaN;
    figures.push({
      id: "chain.growth",
      label: "Chain: cost per step at the larger size ÷ at the smaller",
      value: last / first,
      unit: "×",
      ratio: null,
      target: { text: "≤ 1.5 (cost per step independent of length)", met: last / first <= 1.5 },
      size: sizes.map(formatCount).join(" / "),
    });
    return figures;
  },
};
