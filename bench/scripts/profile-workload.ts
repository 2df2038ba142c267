import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryRunStore, openSqliteStore } from "../src/engine";
import { newEngine, runToEnd } from "../src/harness/engine-runs";
import { chainWorkflow, loopWorkflow } from "../src/harness/workflows";

/**
 * Runs one throughput workload alone, for a CPU profile of the engine:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/profile-workload.ts loop 10000
 *   node --import tsx scripts/top-frames.ts /tmp/prof
 * Workloads: `loop <steps>`, `concurrent <runs>` (10-task runs), `chain <states>`, `memory-loop <steps>`.
 */

const [workload = "loop", sizeText = "10000"] = process.argv.slice(2);
const size = Number(sizeText);
const directory = mkdtempSync(join(tmpdir(), "sagaflow-profile-"));
const store =
  workload === "memory-loop"
    ? new MemoryRunStore()
    : openSqliteStore(join(directory, "profile.db"), { synchronous: "NORMAL" });
const engine = newEngine(store);
const started = performance.now();
const cpu = process.cpuUsage();
if (workload === "loop" || workload === "memory-loop") await runToEnd(engine, loopWorkflow(size));
else if (workload === "concurrent") await runToEnd(engine, chainWorkflow(10), size);
else if (workload === "chain") await runToEnd(engine, chainWorkflow(size));
else throw new Error(`unknown workload ${workload}`);
const used = process.cpuUsage(cpu);
const steps = workload === "concurrent" ? size * 10 : size;
const wallMs = performance.now() - started;
const cpuMs = (used.user + used.system) / 1000;
process.stderr.write(
  `${workload} ${size}: ${wallMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU, ` +
    `${((cpuMs * 1000) / steps).toFixed(0)} µs CPU per step\n`,
);
await engine.close();
await store.close();
rmSync(directory, { recursive: true, force: true });
