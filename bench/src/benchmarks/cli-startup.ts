import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { percentile } from "../harness/stats";
import { type Benchmark, compared, type Figure } from "../types";

/**
 * The command line's start-up, as a person or a script runs it: wall time of one process, from spawn to
 * exit, with the build in place (`apps/server/bin/sagaflow.mjs`, what `pnpm sagaflow` runs, including its
 * check that the build is current). Baseline: `node -e 0` on the same machine, measured in the same rounds
 * (each round runs every command once, so a busy moment slows them all). For the record, the same
 * `validate` from the TypeScript sources through tsx, as `pnpm sagaflow` ran before the build existed.
 */

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const launcher = path.join(repoRoot, "apps/server/bin/sagaflow.mjs");
const sourceMain = path.join(repoRoot, "apps/server/src/cli/main.ts");
const tsxLoader = pathToFileURL(
  createRequire(path.join(repoRoot, "apps/server/package.json")).resolve("tsx"),
).href;

const oneStep = {
  name: "cli-one-step",
  startAt: "greet",
  states: {
    greet: { type: "task", action: "transform", params: { value: "hi" }, next: "done" },
    done: { type: "succeed" },
  },
};

/** GNU time reports a child's CPU time, which a loaded machine stretches far less than its wall time. */
const GNU_TIME = "/usr/bin/time";
const cpuTimes = existsSync(GNU_TIME);

/** Wall ms (and CPU ms, user + system, when GNU time is there) of one process, which must exit 0. */
function timed(args: string[], cwd = repoRoot): { wall: number; cpu: number } {
  const [command, commandArgs] = cpuTimes
    ? [GNU_TIME, ["-f", "cpu %U %S", process.execPath, ...args]]
    : [process.execPath, args];
  const began = performance.now();
  const result = spawnSync(command, commandArgs, { cwd, encoding: "utf8" });
  const wall = performance.now() - began;
  if (result.status !== 0)
    throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  return { wall, cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN };
}

export const cliStartup: Benchmark = {
  name: "cli",
  title: "Command line start-up (built, run with node)",
  async run(context): Promise<Figure[]> {
    const rounds = context.scale === "tiny" ? 3 : 15;
    const dir = context.tempDir();
    const definition = path.join(dir, "one-step.json");
    writeFileSync(definition, JSON.stringify(oneStep));
    const validateArgs = [launcher, "validate", path.join(repoRoot, "examples/order-saga.json")];
    // The first call builds the command line if the sources changed since the last build.
    timed(validateArgs);
    const bareRuns: ReturnType<typeof timed>[] = [];
    const validateRuns: ReturnType<typeof timed>[] = [];
    const run: number[] = [];
    const tsx: number[] = [];
    for (let round = 0; round < rounds; round++) {
      bareRuns.push(timed(["-e", "0"]));
      validateRuns.push(timed(validateArgs));
      run.push(timed([launcher, "run", definition, "--json"], dir).wall);
      // tsx costs a second or more each: every third round is enough for the record.
      if (round % 3 === 0)
        tsx.push(timed(["--import", tsxLoader, sourceMain, ...validateArgs.slice(1)]).wall);
    }
    const bare = bareRuns.map((one) => one.wall);
    const validate = validateRuns.map((one) => one.wall);
    const nodeMs = percentile(bare, 50);
    const baseline = { label: "node -e 0, p50", value: nodeMs, unit: "ms" };
    const size = `${rounds} processes each, interleaved`;
    const validateMs = percentile(validate, 50);
    context.log(
      `cli: node -e 0 ${nodeMs.toFixed(0)} ms, validate ${validateMs.toFixed(0)} ms, ` +
        `run ${percentile(run, 50).toFixed(0)} ms, validate through tsx ${percentile(tsx, 50).toFixed(0)} ms (p50)`,
    );
    return [
      compared({
        id: "cli.validate.start",
        label: "sagaflow validate, one process (built)",
        value: validateMs,
        unit: "ms",
        baseline,
        size,
        note: "node apps/server/bin/sagaflow.mjs validate examples/order-saga.json: spawn to exit, p50, build check included",
        target: { text: "under 300 ms", met: validateMs < 300 },
      }),
      ...(cpuTimes
        ? [
            compared({
              id: "cli.validate.cpu",
              label: "sagaflow validate, CPU time of the process (built)",
              value: percentile(
                validateRuns.map((one) => one.cpu),
                50,
              ),
              unit: "ms",
              baseline: {
                label: "node -e 0, CPU p50",
                value: percentile(
                  bareRuns.map((one) => one.cpu),
                  50,
                ),
                unit: "ms",
              },
              size,
              note: "user + system CPU from GNU time (10 ms resolution): what the wall time is on an idle machine",
            }),
          ]
        : []),
      compared({
        id: "cli.run.start",
        label: "sagaflow run of a one-step workflow (built)",
        value: percentile(run, 50),
        unit: "ms",
        baseline,
        size,
        note: "a transform task and succeed, temporary database, --json; spawn to exit, p50",
      }),
      compared({
        id: "cli.validate.tsx",
        label: "sagaflow validate from the sources through tsx",
        value: percentile(tsx, 50),
        unit: "ms",
        baseline,
        size: `${tsx.length} processes`,
        note: "how pnpm sagaflow ran before the build: node --import tsx src/cli/main.ts",
      }),
    ];
  },
};
