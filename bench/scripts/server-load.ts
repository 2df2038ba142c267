import { readdirSync, readFileSync } from "node:fs";
import { tinyDefinition, trpcBatchedMutation, trpcClient } from "../src/benchmarks/server";

/**
 * The server benchmark's batched start load (httpBatchLink's requests, as `server.start.rate` sends them)
 * against a server already running, to profile or measure that server alone:
 *   node <built main.mjs> serve --port 3999 --db /tmp/s/s.db &      (add --cpu-prof or --perf-basic-prof)
 *   node --import tsx scripts/server-load.ts http://127.0.0.1:3999 3000 <serve pid> [loops]
 * It starts 500 runs first (the path compiled), waits until they finish, then measures `runs` starts from
 * `loops` client loops (4, as the bench) and, given the pid, the server's CPU per run from /proc: the whole
 * process, its main thread, and each other thread. The built entry is what `pnpm sagaflow` runs:
 *   node -e "import('./apps/server/scripts/cli-inputs.mjs').then((m) => console.log(m.entryFile(m.cliInputsHash())))"
 */
const [url = "http://127.0.0.1:3000", runsText = "1000", pid, loopsText = "4"] = process.argv.slice(2);
const runs = Number(runsText);
const loops = Number(loopsText);
const api = trpcClient(url);
await api.definitions.save.mutate({ definition: tinyDefinition });
const start = trpcBatchedMutation(url);

/** `count` starts from `loops` loops, each one call at a time; the wall ms. */
async function startMany(count: number, tag: string): Promise<number> {
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (next < count) {
        const i = next++;
        await start("runs.start", { name: tinyDefinition.name, input: { who: `${tag}${i}` } });
      }
    }),
  );
  return performance.now() - began;
}

async function untilIdle(): Promise<void> {
  const open = { workflow: tinyDefinition.name, status: ["running" as const, "waiting" as const], limit: 1 };
  while ((await api.runs.list.query(open)).runs.length > 0) await new Promise((r) => setTimeout(r, 50));
}

/** CPU ms (clock ticks of 10 ms) of each thread of `pid`, by thread id. */
function threadCpu(): Map<string, number> {
  const cpu = new Map<string, number>();
  if (!pid) return cpu;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      cpu.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // the thread ended meanwhile
    }
  }
  return cpu;
}

await startMany(500, "w");
await untilIdle();
const before = threadCpu();
const ms = await startMany(runs, "p");
await untilIdle();
console.log(`${runs} runs started in ${ms.toFixed(0)} ms: ${((runs * 1000) / ms).toFixed(0)} runs/s`);
if (pid) {
  const perRun = (cpuMs: number) => `${((cpuMs * 1000) / runs).toFixed(0)} µs`;
  let total = 0;
  const lines: string[] = [];
  for (const [tid, cpuMs] of threadCpu()) {
    const used = cpuMs - (before.get(tid) ?? 0);
    total += used;
    if (used > 0) lines.push(`  thread ${tid}${tid === pid ? " (main)" : ""}: ${perRun(used)} per run`);
  }
  console.log(`server CPU ${perRun(total)} per run (ticks of 10 ms)\n${lines.join("\n")}`);
}
