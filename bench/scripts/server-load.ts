import { startAll, tinyDefinition, trpcClient } from "../src/benchmarks/server";

/**
 * The server benchmark's start load against a server already running, to profile that server alone:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof-server --import tsx ../apps/server/src/cli/main.ts serve --port 3999 --db /tmp/s/s.db &
 *   node --import tsx scripts/server-load.ts http://127.0.0.1:3999 1000
 *   kill -TERM <serve pid>; node --import tsx scripts/top-frames.ts /tmp/prof-server 30
 */
const [url = "http://127.0.0.1:3000", runsText = "1000"] = process.argv.slice(2);
const runs = Number(runsText);
const clients = Array.from({ length: 4 }, () => trpcClient(url));
await clients[0]?.definitions.save.mutate({ definition: tinyDefinition });
const ms = await startAll(runs, async (i) => {
  await clients[i % clients.length]?.runs.start.mutate({
    name: tinyDefinition.name,
    input: { who: `p${i}` },
  });
});
console.log(`${runs} runs started in ${ms.toFixed(0)} ms: ${((runs * 1000) / ms).toFixed(0)} runs/s`);
