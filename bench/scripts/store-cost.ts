import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryRunStore, openSqliteStore, type RunStore } from "../src/engine";
import { historyEvents, newEngine, runToEnd } from "../src/harness/engine-runs";
import { rawCommitTime } from "../src/harness/raw-sqlite";
import { loopWorkflow } from "../src/harness/workflows";

/**
 * Splits the cost of one durable step: the store's commit alone (hash chain, JSON, SQL on the engine's
 * schema) against raw better-sqlite3 commits of the same sizes, in CPU µs per commit.
 *   node --import tsx scripts/store-cost.ts [commits]
 */
const commits = Number(process.argv[2] ?? 5000);
const memory = new MemoryRunStore();
const engine = newEngine(memory);
const [runId] = await runToEnd(engine, loopWorkflow(3));
const record = await memory.getRun(runId as string);
const events = (await historyEvents(memory, runId as string)).slice(5, 10);
await engine.close();

const cpuMicros = (work: () => Promise<void> | void) => async () => {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / commits;
};
const directory = mkdtempSync(join(tmpdir(), "store-cost-"));
const store: RunStore = openSqliteStore(join(directory, "store.db"), { synchronous: "NORMAL" });
await store.saveDefinition(loopWorkflow(3), new Date().toISOString());
await store.commit({
  runId: "r",
  expectedSeq: 0,
  create: { workflow: "bench-loop", version: 1 },
  at: new Date().toISOString(),
  events,
  snapshot: record?.snapshot,
  status: "running",
  wakeAt: null,
});
let seq = events.length;
const storeCost = await cpuMicros(async () => {
  for (let i = 0; i < commits; i++) {
    await store.commit({
      runId: "r",
      expectedSeq: seq,
      at: new Date().toISOString(),
      events,
      snapshot: record?.snapshot,
      status: "running",
      wakeAt: null,
    });
    seq += events.length;
  }
})();
const rawCost = await cpuMicros(() => {
  rawCommitTime(join(directory, "raw.db"), "NORMAL", {
    runs: 1,
    commits,
    eventsPerCommit: events.length,
    eventBytes: JSON.stringify(events).length / events.length,
    snapshotBytes: JSON.stringify(record?.snapshot).length,
  });
})();
process.stdout.write(
  `store.commit ${storeCost.toFixed(0)} µs CPU per commit; raw ${rawCost.toFixed(0)} µs\n`,
);
