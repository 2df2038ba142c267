import { join } from "node:path";
import type { Definition } from "@sagaflow/shared";
import { openSqliteStore } from "../engine";
import { averageShape, meterCommits } from "../harness/commit-meter";
import { newEngine, runToEnd } from "../harness/engine-runs";
import { type CommitShape, rawCommitTime, type Synchronous } from "../harness/raw-sqlite";
import { formatCount, perSecond } from "../harness/stats";
import { chainWorkflow, loopWorkflow } from "../harness/workflows";
import { type BenchContext, type Benchmark, compared, type Figure, type Scale } from "../types";

/**
 * Durable steps per second against the physical limit: the engine drives `transform` tasks on a SQLite
 * file, and raw better-sqlite3 does the same number of commits, of the same sizes, with the same
 * `synchronous`, in the same run. The limit is measured just before and just after the engine (their mean),
 * so a burst of load on the shared machine hurts both sides alike.
 */

interface Workload {
  key: string;
  label: string;
  /** Runs started at once, and the definition each runs. */
  runs: number;
  definition: Definition;
  /** Durable steps (completed tasks) the workload makes in total. */
  steps: number;
  size: string;
}

function workloads(scale: Scale, synchronous: Synchronous): Workload[] {
  // FULL pays an fsync per commit (milliseconds each on this disk), so it runs a fifth of the steps.
  const loopSteps = scale === "tiny" ? 20 : synchronous === "NORMAL" ? 10_000 : 2_000;
  const runs = scale === "tiny" ? 4 : synchronous === "NORMAL" ? 1_000 : 200;
  const tasks = scale === "tiny" ? 3 : 10;
  return [
    {
      key: "linear",
      label: "one run, a loop of transform tasks",
      runs: 1,
      definition: loopWorkflow(loopSteps),
      steps: loopSteps,
      size: `${formatCount(loopSteps)} tasks`,
    },
    {
      key: "concurrent",
      label: `${tasks}-task runs started at once`,
      runs,
      definition: chainWorkflow(tasks, `bench-concurrent-${tasks}`),
      steps: runs * tasks,
      size: `${formatCount(runs)} runs × ${tasks} tasks`,
    },
  ];
}

/** The commit shape of a workload, from a small metered run (which also warms the JIT up). */
async function measureShape(context: BenchContext, workload: Workload, synchronous: Synchronous) {
  const store = openSqliteStore(join(context.tempDir(), "shape.db"), { synchronous });
  const meter = meterCommits(store, { sizes: true });
  const engine = newEngine(store);
  try {
    const runs = Math.min(workload.runs, 20);
    await runToEnd(engine, workload.definition, runs);
    return { meter, commitsPerStep: meter.commits / ((workload.steps / workload.runs) * runs) };
  } finally {
    await engine.close();
    await store.close();
  }
}

async function engineTime(context: BenchContext, workload: Workload, synchronous: Synchronous) {
  const store = openSqliteStore(join(context.tempDir(), "engine.db"), { synchronous });
  const meter = meterCommits(store);
  const engine = newEngine(store);
  try {
    const started = performance.now();
    await runToEnd(engine, workload.definition, workload.runs);
    return { ms: performance.now() - started, commits: meter.commits };
  } finally {
    await engine.close();
    await store.close();
  }
}

function rawTime(context: BenchContext, synchronous: Synchronous, shape: CommitShape): number {
  return rawCommitTime(join(context.tempDir(), "raw.db"), synchronous, shape);
}

async function measure(context: BenchContext, workload: Workload, synchronous: Synchronous): Promise<Figure> {
  const { meter, commitsPerStep } = await measureShape(context, workload, synchronous);
  const expectedCommits = Math.round(commitsPerStep * workload.steps);
  const before = rawTime(context, synchronous, averageShape(meter, workload.runs, expectedCommits));
  const engine = await engineTime(context, workload, synchronous);
  const after = rawTime(context, synchronous, averageShape(meter, workload.runs, engine.commits));
  const engineRate = perSecond(workload.steps, engine.ms);
  const limitRate = (perSecond(workload.steps, before) + perSecond(workload.steps, after)) / 2;
  const ratio = engineRate / limitRate;
  const meetsThroughput = synchronous === "FULL" || engineRate >= 5_000;
  const shape = averageShape(meter, workload.runs);
  context.log(
    `  ${workload.key} ${synchronous}: engine ${Math.round(engineRate)}/s in ${Math.round(engine.ms)} ms, ` +
      `${engine.commits} commits; raw ${Math.round(before)} / ${Math.round(after)} ms`,
  );
  return compared({
    id: `throughput.${workload.key}.${synchronous.toLowerCase()}`,
    label: `Durable steps/s, ${workload.label}, synchronous=${synchronous}`,
    value: engineRate,
    unit: "steps/s",
    baseline: { label: "raw better-sqlite3, same commits", value: limitRate, unit: "steps/s" },
    target: {
      text: synchronous === "NORMAL" ? "≥ 0.5 × limit and ≥ 5,000/s" : "≥ 0.5 × limit",
      met: ratio >= 0.5 && meetsThroughput,
    },
    size: workload.size,
    note:
      `${(engine.commits / workload.steps).toFixed(2)} commits/step, ${shape.eventsPerCommit.toFixed(1)} events/commit, ` +
      `${Math.round(shape.eventBytes)} B/event, ${Math.round(shape.snapshotBytes)} B/snapshot`,
  });
}

export const throughput: Benchmark = {
  name: "throughput",
  title: "Durable step throughput against raw SQLite",
  async run(context) {
    const figures: Figure[] = [];
    for (const synchronous of ["NORMAL", "FULL"] as const) {
      for (const workload of workloads(context.scale, synchronous)) {
        figures.push(await measure(context, workload, synchronous));
      }
    }
    return figures;
  },
};
