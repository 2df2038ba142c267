import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Benchmark, compared, type Figure } from "../types";
import type { PeerMeasurement } from "./measure";
import { workloadSizes } from "./measure";
import { type PeerName, RESULT_PREFIX } from "./peer";

/**
 * `pnpm bench --peers` (off by default, so CI stays quick): the four workloads of issue 14 on Sagaflow
 * and on the systems a user might pick instead (XState in memory, DBOS Transact on Postgres, Restate),
 * each with its own durable defaults, fsync on and off. Each configuration runs in a child process of its
 * own (child.ts), one after the other, so none shares a heap, a JIT or a CPU with another.
 */

interface Configuration {
  peer: PeerName;
  fsync: boolean;
  label: string;
}

const CONFIGURATIONS: readonly Configuration[] = [
  { peer: "sagaflow", fsync: true, label: "Sagaflow, SQLite FULL (fsync on)" },
  { peer: "sagaflow", fsync: false, label: "Sagaflow, SQLite NORMAL in WAL (fsync off)" },
  { peer: "xstate", fsync: false, label: "XState v5, in memory (not durable)" },
  { peer: "dbos", fsync: true, label: "DBOS Transact, Postgres fsync=on" },
  { peer: "dbos", fsync: false, label: "DBOS Transact, Postgres fsync=off" },
  { peer: "restate", fsync: true, label: "Restate, default (WAL fsync on)" },
  { peer: "restate", fsync: false, label: "Restate, rocksdb-disable-wal-fsync" },
];

const childPath = fileURLToPath(new URL("./child.ts", import.meta.url));

/**
 * Restate's server checks for updates at start: in a network namespace with only loopback that check
 * fails at once. `unshare -n` needs root (or user namespaces); without it the peer runs as is.
 */
function command(configuration: Configuration, scale: string): [string, string[]] {
  const node = [process.execPath, "--import", "tsx", childPath, configuration.peer];
  const args = [...node, configuration.fsync ? "on" : "off", scale];
  if (configuration.peer === "restate" && process.getuid?.() === 0) {
    return ["unshare", ["-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", ...args]];
  }
  return [args[0] as string, args.slice(1)];
}

function runChild(configuration: Configuration, scale: string): Promise<PeerMeasurement> {
  const [file, args] = command(configuration, scale);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = stdout.split("\n").find((text) => text.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as PeerMeasurement);
      else reject(new Error(`${configuration.label} exited ${code}: ${(stderr || stdout).slice(-1500)}`));
    });
  });
}

const WORKLOADS = [
  { key: "sequentialMsPerStep", id: "sequential", unit: "ms/step", title: "one run of sequential steps" },
  { key: "concurrentStepsPerSecond", id: "concurrent", unit: "steps/s", title: "runs started at once" },
  { key: "sagaMs", id: "saga", unit: "ms", title: "5-step saga, 4 compensations, p50" },
  { key: "oneStepMs", id: "one-step", unit: "ms", title: "one-step run latency, p50" },
] as const;

/** The results as one markdown table (peers × workloads), for the log and docs/performance.md. */
export function peersTable(rows: { label: string; measured: PeerMeasurement | Error }[]): string {
  const header = `| Peer | ${WORKLOADS.map((w) => `${w.title} (${w.unit})`).join(" | ")} |`;
  const rule = `|${"---|".repeat(WORKLOADS.length + 1)}`;
  const lines = rows.map(({ label, measured }) =>
    measured instanceof Error
      ? `| ${label} | ${WORKLOADS.map(() => "did not run").join(" | ")} |`
      : `| ${label} | ${WORKLOADS.map((w) => formatValue(measured[w.key])).join(" | ")} |`,
  );
  return [header, rule, ...lines].join("\n");
}

const formatValue = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(3);

export const peers: Benchmark = {
  name: "peers",
  title: "Peers: Sagaflow against XState, DBOS Transact and Restate on the same four workloads",
  async run(context): Promise<Figure[]> {
    const size = workloadSizes(context.scale);
    const rows: { configuration: Configuration; label: string; measured: PeerMeasurement | Error }[] = [];
    for (const configuration of CONFIGURATIONS) {
      context.log(`  ${configuration.label}…`);
      const measured = await runChild(configuration, context.scale).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
      if (measured instanceof Error) context.log(`  ${configuration.label} did not run: ${measured.message}`);
      rows.push({ configuration, label: configuration.label, measured });
    }
    context.log(`\n${peersTable(rows)}\n`);
    const sizes: Record<(typeof WORKLOADS)[number]["id"], string> = {
      sequential: `${size.sequential} steps in one run`,
      concurrent: `${size.runs} runs × ${size.stepsPerRun} steps`,
      saga: `${size.sagas} sagas in a row`,
      "one-step": `${size.oneSteps} runs in a row`,
    };
    // Each peer is judged against Sagaflow at the same fsync setting (XState against fsync off).
    const sagaflow = (fsync: boolean) =>
      rows.find((row) => row.configuration.peer === "sagaflow" && row.configuration.fsync === fsync)
        ?.measured;
    return rows.flatMap(({ configuration, label, measured }) =>
      WORKLOADS.map((workload) => {
        const id = `peers.${workload.id}.${configuration.peer}.${configuration.fsync ? "fsync" : "nofsync"}`;
        const figureLabel = `${label}: ${workload.title}`;
        if (measured instanceof Error) {
          return {
            id,
            label: figureLabel,
            value: null,
            unit: workload.unit,
            note: measured.message.slice(0, 300),
          };
        }
        const base = configuration.peer === "sagaflow" ? undefined : sagaflow(configuration.fsync);
        return compared({
          id,
          label: figureLabel,
          value: measured[workload.key],
          unit: workload.unit,
          ...(base && !(base instanceof Error)
            ? {
                baseline: {
                  label: `Sagaflow, fsync ${configuration.fsync ? "on" : "off"}`,
                  value: base[workload.key],
                  unit: workload.unit,
                },
              }
            : {}),
          size: sizes[workload.id],
        });
      }),
    );
  },
};
