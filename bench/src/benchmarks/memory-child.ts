import { join } from "node:path";
import { openSqliteStore } from "../engine";
import { newEngine } from "../harness/engine-runs";
import { timerWorkflow } from "../harness/workflows";

/**
 * Child process of the memory benchmark (run with --expose-gc): measures its resident memory with an idle
 * engine, then with `runs` runs waiting on durable timers, and prints one JSON line.
 *   tsx memory-child.ts <runs> <directory>
 */

function settledRss(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error("run with --expose-gc");
  for (let i = 0; i < 3; i++) collect();
  return process.memoryUsage().rss;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2]);
  const directory = process.argv[3];
  if (!Number.isInteger(runs) || runs < 1 || !directory) throw new Error("usage: memory-child <runs> <dir>");
  const store = openSqliteStore(join(directory, "timers.db"), { synchronous: "NORMAL" });
  const engine = newEngine(store);
  const definition = timerWorkflow("1h");
  // One run first, so the idle figure includes the loaded code paths, not just the bare process.
  await engine.waitFor(await engine.start(definition), { until: ["waiting"] });
  const idleRss = settledRss();
  for (let i = 1; i < runs; i++) await engine.start(definition);
  await engine.idle();
  const { runs: page } = await store.listRuns({ status: ["waiting"], limit: 500 });
  const rss = settledRss();
  process.stdout.write(`${JSON.stringify({ runs, idleRss, rss, waitingSample: page.length })}\n`);
  await engine.close();
  await store.close();
}

await main();
