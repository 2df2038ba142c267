import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { formatCount } from "../harness/stats";
import { type Benchmark, compared } from "../types";

/**
 * Resident memory of an engine holding N runs that wait on durable timers, measured in a child process
 * (after GC) so nothing else of the benchmark is counted. Baseline: the same process with one run.
 */

const run = promisify(execFile);
const MB = 2 ** 20;

interface ChildReport {
  runs: number;
  idleRss: number;
  rss: number;
  waitingSample: number;
}

export const memory: Benchmark = {
  name: "memory",
  title: "Resident memory with runs waiting on timers",
  async run(context) {
    const runs = context.scale === "tiny" ? 20 : 10_000;
    const child = fileURLToPath(new URL("./memory-child.ts", import.meta.url));
    const { stdout } = await run(
      process.execPath,
      ["--expose-gc", "--import", "tsx", child, String(runs), context.tempDir()],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)), maxBuffer: 1 << 20 },
    );
    const report = JSON.parse(stdout.trim().split("\n").pop() ?? "") as ChildReport;
    if (report.waitingSample !== Math.min(runs, 500)) {
      throw new Error(`expected every run to be waiting, saw ${report.waitingSample} in the first page`);
    }
    const rss = report.rss / MB;
    context.log(`  ${runs} waiting runs: ${rss.toFixed(0)} MB (idle ${(report.idleRss / MB).toFixed(0)} MB)`);
    return [
      compared({
        id: "memory.timers",
        label: `Resident memory, ${formatCount(runs)} runs waiting on timers`,
        value: rss,
        unit: "MB",
        baseline: { label: "same process, one run", value: report.idleRss / MB, unit: "MB" },
        target: { text: "< 300 MB", met: context.scale === "tiny" || rss < 300 },
        size: `${formatCount(runs)} runs`,
        note: `${((report.rss - report.idleRss) / runs / 1024).toFixed(1)} KB per waiting run`,
      }),
    ];
  },
};
