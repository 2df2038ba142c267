import { parseArgs } from "node:util";
import { summaryLine, torture } from "./torture";

/**
 * `pnpm torture [--runs N] [--crashes K] [--seed S] [--replay S] [--store sqlite|postgres] [--workers N]`:
 * the crash torture of SPEC §3's promise. With `--store postgres`, N processes share one PostgreSQL database
 * (DATABASE_URL, else an embedded server) and each crash kills a random one.
 * Prints `runs, crashes, events, violations`, exits 1 on any violation; `--replay S` runs seed S again and
 * keeps its files for a post-mortem.
 */

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "200" },
    crashes: { type: "string", default: "20" },
    seed: { type: "string" },
    replay: { type: "string" },
    keep: { type: "boolean", default: false },
    store: { type: "string", default: "sqlite" },
    workers: { type: "string", default: "3" },
  },
});

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`torture: --${name} must be a whole number, got ${JSON.stringify(text)}`);
    process.exit(64);
  }
  return value;
}

const replay = integer(values.replay, "replay");
const seed = replay ?? integer(values.seed, "seed") ?? Math.floor(Math.random() * 2 ** 31);
const runs = integer(values.runs, "runs") ?? 200;
const crashes = integer(values.crashes, "crashes") ?? 20;
if (values.store !== "sqlite" && values.store !== "postgres") {
  console.error(`torture: --store must be sqlite or postgres, got ${JSON.stringify(values.store)}`);
  process.exit(64);
}
const store = values.store;
const workers = integer(values.workers, "workers") ?? 3;

console.error(
  `torture: seed ${seed}, ${runs} runs, ${crashes} crashes` +
    (store === "postgres" ? `, PostgreSQL with ${workers} processes` : ""),
);
const report = await torture({
  runs,
  crashes,
  seed,
  keep: values.keep || replay !== undefined,
  store,
  workers,
  log: (line) => console.error(`torture: ${line}`),
});
for (const violation of report.violations) console.error(`VIOLATION ${violation}`);
console.log(summaryLine(report));
if (report.violations.length > 0 || replay !== undefined) console.error(`files kept in ${report.dir}`);
if (report.violations.length > 0)
  console.error(
    `replay with: pnpm torture --runs ${runs} --crashes ${crashes} --replay ${seed}` +
      (store === "postgres" ? ` --store postgres --workers ${workers}` : ""),
  );
process.exit(report.violations.length > 0 ? 1 : 0);
