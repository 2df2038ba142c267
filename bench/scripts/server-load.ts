import { startAll, tinyDefinition, trpcBatchedMutation, trpcClient } from "../src/benchmarks/server";

/**
 * The server benchmark's batched start load (httpBatchLink's requests, as `server.start.rate` sends them)
 * against a server already running, to profile that server alone:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof-server <built main.mjs> serve --port 3999 --db /tmp/s/s.db &
 *   node --import tsx scripts/server-load.ts http://127.0.0.1:3999 3000
 *   kill -TERM <serve pid>; node --import tsx scripts/top-frames.ts /tmp/prof-server 30
 * The built entry is what `pnpm sagaflow` runs: `node -e "import('./apps/server/scripts/cli-inputs.mjs')
 * .then((m) => console.log(m.entryFile(m.cliInputsHash())))"` from the repository root prints it.
 */
const [url = "http://127.0.0.1:3000", runsText = "1000"] = process.argv.slice(2);
const runs = Number(runsText);
await trpcClient(url).definitions.save.mutate({ definition: tinyDefinition });
const start = trpcBatchedMutation(url);
const ms = await startAll(runs, (i) =>
  start("runs.start", { name: tinyDefinition.name, input: { who: `p${i}` } }),
);
console.log(`${runs} runs started in ${ms.toFixed(0)} ms: ${((runs * 1000) / ms).toFixed(0)} runs/s`);
