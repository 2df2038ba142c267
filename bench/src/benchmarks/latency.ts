import { join } from "node:path";
import { openSqliteStore } from "../engine";
import { averageShape, meterCommits } from "../harness/commit-meter";
import { newEngine } from "../harness/engine-runs";
import { rawCommitLatencies, type Synchronous } from "../harness/raw-sqlite";
import { formatCount, percentile } from "../harness/stats";
import { signalLoopWorkflow } from "../harness/workflows";
import { type BenchContext, type Benchmark, compared, type Figure } from "../types";

/**
 * Latency of one durable step at low load: a run waits for a signal, `engine.signal` enqueues it and
 * resolves once the step is committed; one signal at a time. Baseline: the latency of one raw
 * better-sqlite3 commit of the same size with the same `synchronous`.
 */

async function signalLatencies(context: BenchContext, synchronous: Synchronous, samples: number) {
  const warmup = Math.min(50, samples);
  const store = openSqliteStore(join(context.tempDir(), "engine.db"), { synchronous });
  const meter = meterCommits(store, { sizes: true });
  const engine = newEngine(store);
  try {
    const runId = await engine.start(signalLoopWorkflow(warmup + samples));
    await engine.waitFor(runId, { until: ["waiting"] });
    for (let i = 0; i < warmup; i++) await engine.signal(runId, "go");
    const shape = averageShape(meter, 1, samples);
    meter.stop();
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await engine.signal(runId, "go");
      latencies.push(performance.now() - started);
    }
    return { latencies, shape };
  } finally {
    await engine.close();
    await store.close();
  }
}

async function measure(context: BenchContext, synchronous: Synchronous): Promise<Figure[]> {
  const samples = context.scale === "tiny" ? 10 : synchronous === "NORMAL" ? 1_000 : 300;
  const engine = await signalLatencies(context, synchronous, samples);
  const raw = rawCommitLatencies(join(context.tempDir(), "raw.db"), synchronous, engine.shape);
  const size = `${formatCount(samples)} steps, one at a time`;
  return [50, 99].map((p) =>
    compared({
      id: `latency.p${p}.${synchronous.toLowerCase()}`,
      label: `Latency of one durable step (signal → committed) p${p}, synchronous=${synchronous}`,
      value: percentile(engine.latencies, p),
      unit: "ms",
      baseline: { label: `raw commit p${p}`, value: percentile(raw, p), unit: "ms" },
      size,
    }),
  );
}

export const latency: Benchmark = {
  name: "latency",
  title: "Per-step latency at low load",
  async run(context) {
    return [...(await measure(context, "NORMAL")), ...(await measure(context, "FULL"))];
  },
};
