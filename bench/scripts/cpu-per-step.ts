import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryRunStore, openSqliteStore } from "../src/engine";
import { newEngine, runToEnd } from "../src/harness/engine-runs";
import { loopWorkflow } from "../src/harness/workflows";

/**
 * CPU per step of one run of trivial tasks (the throughput bench's loop) after a warm-up run, so start-up
 * and the JIT's first compiles are not counted, best of 3 rounds:
 *   node --import tsx scripts/cpu-per-step.ts [sqlite|memory] [steps] [--profile /tmp/prof]
 * With --profile, the last round's CPU profile (only the measured run) is written there, for
 * scripts/top-frames.ts.
 */

const args = process.argv.slice(2);
const profileAt = args.indexOf("--profile");
const profileDir = profileAt >= 0 ? args[profileAt + 1] : undefined;
const [storeKind = "sqlite", stepsText = "10000"] = args.filter(
  (_, index) => profileAt < 0 || (index !== profileAt && index !== profileAt + 1),
);
const steps = Number(stepsText);
const directory = mkdtempSync(join(tmpdir(), "sagaflow-cpu-"));

async function round(
  name: string,
  size: number,
  session?: Session,
): Promise<{ wallMs: number; cpuUs: number }> {
  const store =
    storeKind === "memory"
      ? new MemoryRunStore()
      : openSqliteStore(join(directory, `${name}.db`), { synchronous: "NORMAL" });
  const engine = newEngine(store);
  if (session) await session.post("Profiler.start");
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runToEnd(engine, loopWorkflow(size, `cpu-${name}`));
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - started;
  if (session) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(join(profileDir as string, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  await engine.close();
  await store.close();
  return { wallMs, cpuUs: (used.user + used.system) / size };
}

await round("warm", 2000);
let session: Session | undefined;
if (profileDir) {
  session = new Session();
  session.connect();
  await session.post("Profiler.enable");
}
const results = [];
for (let i = 0; i < 3; i++) results.push(await round(`round${i}`, steps, i === 2 ? session : undefined));
const best = Math.min(...results.map((r) => r.cpuUs));
process.stdout.write(
  `${storeKind} loop ${steps}: CPU µs/step ${results.map((r) => r.cpuUs.toFixed(0)).join(" / ")} ` +
    `(best ${best.toFixed(0)}), steps/s ${results.map((r) => Math.round((steps * 1000) / r.wallMs)).join(" / ")}\n`,
);
rmSync(directory, { recursive: true, force: true });
