import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { describeMachine, writeResults } from "./harness/results";
import { runBenchmarks } from "./harness/runner";
import { renderNotes, renderTable } from "./harness/table";
import { peers } from "./peers/peers";
import { registry } from "./registry";
import type { Scale } from "./types";

/**
 * `pnpm bench`: runs every benchmark of the registry, prints one table, writes results/<name>.json and
 * results/latest.json. To add a benchmark, write one module in src/benchmarks and list it in registry.ts.
 *
 *   pnpm bench [--only throughput,latency] [--scale tiny] [--name my-run] [--peers]
 *
 * `--peers` adds the peer comparison (XState, DBOS Transact, Restate: src/peers), off by default so CI
 * stays quick; `--only peers` runs it alone.
 */

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      scale: { type: "string", default: "full" },
      name: { type: "string" },
      peers: { type: "boolean", default: false },
    },
  });
  const scale = values.scale as Scale;
  if (scale !== "full" && scale !== "tiny") throw new Error(`--scale is "full" or "tiny", not "${scale}"`);
  const only = values.only?.split(",").map((name) => name.trim());
  const known = [...registry, peers];
  const unknown = only?.filter((name) => !known.some((benchmark) => benchmark.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${known.map((b) => b.name).join(", ")}`);
  }
  const selected = only
    ? known.filter((benchmark) => only.includes(benchmark.name))
    : values.peers
      ? known
      : registry;

  const startedAt = new Date();
  const loadBefore = loadavg();
  const log = (message: string) => process.stderr.write(`${message}\n`);
  log(`sagaflow bench, scale ${scale}, load average ${loadBefore.map((n) => n.toFixed(1)).join(" ")}`);
  const outcome = await runBenchmarks(selected, { scale, log });
  const durationMs = Date.now() - startedAt.getTime();

  const name = values.name ?? startedAt.toISOString().replace(/[:.]/g, "-");
  const path = writeResults(fileURLToPath(new URL("../results", import.meta.url)), {
    name,
    startedAt: startedAt.toISOString(),
    durationMs,
    scale,
    machine: describeMachine(loadBefore),
    figures: outcome.figures,
    errors: outcome.errors,
  });
  process.stdout.write(`\n${renderTable(outcome.figures)}\n\nNotes:\n${renderNotes(outcome.figures)}\n`);
  const failed = Object.keys(outcome.errors);
  if (failed.length > 0) process.stdout.write(`\nFAILED benchmarks: ${failed.join(", ")}\n`);
  process.stdout.write(`\n${(durationMs / 1000).toFixed(0)} s; results in ${path}\n`);
  if (failed.length > 0) process.exitCode = 1;
}

await main();
