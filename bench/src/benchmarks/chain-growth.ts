import { join } from "node:path";
import type { Definition } from "@sagaflow/shared";
import { openSqliteStore } from "../engine";
import { averageShape, meterCommits } from "../harness/commit-meter";
import { newEngine, runToEnd } from "../harness/engine-runs";
import { type CommitShape, rawCommitTime } from "../harness/raw-sqlite";
import { formatCount, perSecond, timed } from "../harness/stats";
import { chainWorkflow } from "../harness/workflows";
import { type BenchContext, type Benchmark, compared, type Figure } from "../types";

/**
 * Does a step cost more the bigger the run already is? Two workloads at two sizes, 10× apart:
 * - a chain of N distinct task states (not a loop): the snapshot keeps an entry per state (`steps`,
 *   `stateRuns`, the scope's `visits`);
 * - a map over N items, one task per iteration (maxConcurrency 1): the snapshot keeps every item and every
 *   iteration's result.
 * The figure of the issue is the cost per step at the larger size ÷ at the smaller (target ≤ 1.5). The
 * same-run baseline is raw better-sqlite3 making the same number of commits, each of the smaller run's
 * average size: what the steps would cost if nothing grew.
 */

/** `items` iterations of one `transform` task, one at a time. */
function mapWorkflow(items: number): Definition {
  return {
    name: `bench-map-${items}`,
    startAt: "each",
    states: {
      each: {
        type: "map",
        items: `{% [1..${items}] %}`,
        iterator: {
          startAt: "work",
          states: {
            work: {
              type: "task",
              action: "transform",
              params: { value: "{% $item %}" },
              idempotent: true,
              end: true,
            },
          },
        },
        end: true,
      },
    },
  } as Definition;
}

interface Workload {
  id: "chain" | "map";
  what: string;
  unit: string;
  definition(size: number): Definition;
}

const workloads: Workload[] = [
  { id: "chain", what: "one run through {n} distinct states", unit: "steps/s", definition: chainWorkflow },
  { id: "map", what: "one map over {n} items, one task each", unit: "items/s", definition: mapWorkflow },
];

async function timedRun(context: BenchContext, definition: Definition) {
  const store = openSqliteStore(join(context.tempDir(), "engine.db"), { synchronous: "NORMAL" });
  const engine = newEngine(store);
  const meter = meterCommits(store);
  try {
    const { ms } = await timed(() => runToEnd(engine, definition));
    return { ms, commits: meter.commits };
  } finally {
    await engine.close();
    await store.close();
  }
}

/** The commits of an untimed run, with sizes (the stringify per commit would distort a timed one). */
async function shapeOf(context: BenchContext, definition: Definition): Promise<CommitShape> {
  const store = openSqliteStore(join(context.tempDir(), "shape.db"), { synchronous: "NORMAL" });
  const engine = newEngine(store);
  const meter = meterCommits(store, { sizes: true });
  try {
    await runToEnd(engine, definition);
    return averageShape(meter, 1);
  } finally {
    await engine.close();
    await store.close();
  }
}

async function measure(context: BenchContext, workload: Workload, sizes: number[]): Promise<Figure[]> {
  const [small] = sizes;
  if (small === undefined) return [];
  const shape = await shapeOf(context, workload.definition(small));
  const figures: Figure[] = [];
  const perStep: number[] = [];
  for (const size of sizes) {
    const engine = await timedRun(context, workload.definition(size));
    const raw = rawCommitTime(join(context.tempDir(), "raw.db"), "NORMAL", {
      ...shape,
      commits: engine.commits,
    });
    perStep.push(engine.ms / size);
    context.log(
      `  ${workload.id} ${size}: engine ${Math.round(engine.ms)} ms, raw ${Math.round(raw.ms)} ms, ` +
        `${engine.commits} commits`,
    );
    figures.push(
      compared({
        id: `chain.${workload.id}.${size}`,
        label: `Durable ${workload.unit}, ${workload.what.replace("{n}", formatCount(size))}, NORMAL`,
        value: perSecond(size, engine.ms),
        unit: workload.unit,
        baseline: {
          label: `raw better-sqlite3, same commits, each the size of the ${formatCount(small)} run's`,
          value: perSecond(size, raw.ms),
          unit: workload.unit,
        },
        size: formatCount(size),
        note: `${workload.id} ${formatCount(small)}: average commit ${Math.round(shape.snapshotBytes / 1024)} KB of snapshot handed to the store`,
      }),
    );
  }
  const first = perStep[0] ?? Number.NaN;
  const last = perStep[perStep.length - 1] ?? Number.NaN;
  figures.push({
    id: `chain.${workload.id}.growth`,
    label: `${workload.id === "chain" ? "Chain" : "Map"}: cost per step at the larger size ÷ at the smaller`,
    value: last / first,
    unit: "×",
    ratio: null,
    target: { text: "≤ 1.5 (cost per step independent of the run's size)", met: last / first <= 1.5 },
    size: sizes.map(formatCount).join(" / "),
  });
  return figures;
}

export const chainGrowth: Benchmark = {
  name: "chain",
  title: "Cost per step as a run grows: chains of distinct states, maps over many items",
  async run(context) {
    const sizes = context.scale === "tiny" ? [10, 40] : [400, 4_000];
    const figures: Figure[] = [];
    for (const workload of workloads) figures.push(...(await measure(context, workload, sizes)));
    return figures;
  },
};
