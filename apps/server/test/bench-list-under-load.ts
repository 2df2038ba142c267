/**
 * Bench (not a test): how fast `runs.list` answers while 200 runs start at once and run to the end.
 * Run: `pnpm --filter @sagaflow/server exec tsx test/bench-list-under-load.ts [runs]`. Prints one JSON line.
 */
import { performance } from "node:perf_hooks";
import { helloDefinition, startTestServer } from "./helpers";

const RUNS = Number(process.argv[2] ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const t = await startTestServer();
try {
  await t.client.definitions.save.mutate({ definition: helloDefinition("bench", "20ms") });
  const began = performance.now();
  const starting = Promise.all(
    Array.from({ length: RUNS }, (_, i) =>
      t.client.runs.start.mutate({ name: "bench", input: { who: `b${i}` } }),
    ),
  );
  const latencies: number[] = [];
  let finished = 0;
  while (finished < RUNS) {
    const before = performance.now();
    const page = await t.client.runs.list.query({ workflow: "bench", status: "succeeded", limit: 500 });
    latencies.push(performance.now() - before);
    finished = page.runs.length;
  }
  await starting;
  const total = performance.now() - began;
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: "runs.list under load",
      runs: RUNS,
      allFinishedMs: Math.round(total),
      listCalls: latencies.length,
      listMs: {
        p50: +percentile(sorted, 50).toFixed(1),
        p95: +percentile(sorted, 95).toFixed(1),
        max: +(sorted.at(-1) ?? 0).toFixed(1),
      },
    }),
  );
} finally {
  await t.stop();
}
