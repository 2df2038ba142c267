import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore, type PostgresRunStore } from "@sagaflow/engine";
import type { Definition } from "@sagaflow/shared";
import { startServer } from "../../../apps/server/torture/server-process";
import { startEmbeddedPostgres } from "../../../packages/engine/src/store/postgres/test-postgres";
import { builtinActions, Engine } from "../engine";
import { runToEnd } from "../harness/engine-runs";
import { formatCount, perSecond } from "../harness/stats";
import { chainWorkflow } from "../harness/workflows";
import { type BenchContext, type Benchmark, compared, type Figure, notMeasuredYet } from "../types";
import { trpcClient } from "./server";

/**
 * PostgreSQL (issue 15). Durable steps/s of the engine on a Postgres store against the raw commit limit of
 * the same server in the same run (one-row INSERTs, as many at once as the store's pool), at the same
 * durability: synchronous_commit on, then off; fsync on. Then runs/s executed by 1, 2 and 3 real `sagaflow
 * worker` processes, the runs started through one `sagaflow serve --no-drive` (the API instance, which
 * creates them unleased for the workers to claim: docs/deploy.md), twice: runs of CPU-bound steps, and runs
 * of steps that wait (50 ms each) with 8 slots per worker (`Work` below). DATABASE_URL when
 * set, else an embedded Postgres; when none can start, every figure says why instead of a number.
 */

const POOL = 16;

interface Sizes {
  rawSeconds: number;
  runs: number;
  tasks: number;
  processRuns: number;
  processCounts: number[];
}

const sizes = (context: BenchContext): Sizes =>
  context.scale === "tiny"
    ? { rawSeconds: 0.5, runs: 4, tasks: 3, processRuns: 10, processCounts: [1] }
    : { rawSeconds: 5, runs: 200, tasks: 10, processRuns: 600, processCounts: [1, 2, 3] };

async function rawCommitsPerSecond(store: PostgresRunStore, seconds: number): Promise<number> {
  const pool = await store.rawPool();
  await pool.query("CREATE TABLE IF NOT EXISTS raw_commits (id bigserial PRIMARY KEY, body text)");
  let done = 0;
  const until = Date.now() + seconds * 1000;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      while (Date.now() < until) {
        await pool.query("INSERT INTO raw_commits (body) VALUES ($1)", ["x".repeat(200)]);
        done += 1;
      }
    }),
  );
  return perSecond(done, performance.now() - began);
}

async function stepsPerSecond(store: PostgresRunStore, sizes: Sizes): Promise<number> {
  const engine = new Engine({ store, actions: builtinActions });
  try {
    const definition = chainWorkflow(sizes.tasks, `bench-pg-${sizes.tasks}`);
    await runToEnd(engine, definition, 2); // warm: the definition saved, the JIT and the pool ready
    const began = performance.now();
    await runToEnd(engine, definition, sizes.runs);
    return perSecond(sizes.runs * sizes.tasks, performance.now() - began);
  } finally {
    await engine.close();
  }
}

async function createDatabase(admin: PostgresRunStore, name: string, url: string): Promise<string> {
  await (await admin.rawPool()).query(`CREATE DATABASE ${name}`);
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * What the workers execute. `cpu`: three `transform` tasks, so the engine's CPU (and the shared cores) bound
 * it. `io`: three 50 ms `delay` tasks with 8 action slots per worker, like steps that wait on other
 * services: the slots bound it, and each worker brings 8 more.
 */
interface Work {
  name: "cpu" | "io";
  definition: Definition;
  workerArgs: string[];
  runs: (s: Sizes) => number;
}

const WORKS: Work[] = [
  { name: "cpu", definition: chainWorkflow(3, "bench-pg-procs"), workerArgs: [], runs: (s) => s.processRuns },
  {
    name: "io",
    definition: waitingChain(3, "50ms"),
    workerArgs: ["--concurrency", "8"],
    runs: (s) => s.processRuns,
  },
];

function waitingChain(tasks: number, duration: string): Definition {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < tasks; i++) {
    states[`t${i}`] = {
      type: "task",
      action: "delay",
      params: { duration },
      idempotent: true,
      ...(i + 1 < tasks ? { next: `t${i + 1}` } : { end: true }),
    };
  }
  return { name: `bench-pg-waits-${tasks}`, startAt: "t0", states } as Definition;
}

/** Callers of runs.start at once, each one start at a time, as clients behind a load balancer. */
const CALLERS = 8;

/**
 * One `serve --no-drive` and `count` workers on a fresh database. First every run is started through the API
 * instance with no worker running (the starts/s of the API alone are logged); then the workers start, and
 * the figure is the rate at which they end the backlog, from the moment all of them are up until the last
 * run ended (runs ended before that moment are not counted). So the row measures what the workers do,
 * not the API's start path, which shares the same two cores. Which process ended each run is its lease
 * owner (a terminal commit keeps it): logged, so a row shows the work was spread.
 */
async function runsPerSecond(
  url: string,
  count: number,
  runs: number,
  context: BenchContext,
  work: Work,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "sagaflow-bench-pg-"));
  const logFile = join(dir, "processes.log");
  const processes = [
    await startServer({
      dir,
      dbPath: url,
      logFile,
      args: ["--no-drive"],
      env: { SAGAFLOW_INSTANCE: `bench-${count}-api`, SAGAFLOW_TOKEN: "" },
    }),
  ];
  const owners = openPostgresStore(url);
  try {
    const pool = await owners.rawPool();
    const api = trpcClient(processes[0]?.url ?? "");
    const definition = work.definition;
    await api.definitions.save.mutate({ definition });
    const startsBegan = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (next < runs) {
          next += 1;
          await api.runs.start.mutate({ name: definition.name, input: {} });
        }
      }),
    );
    const starts = perSecond(runs, performance.now() - startsBegan);
    processes.push(
      ...(await Promise.all(
        Array.from({ length: count }, (_, index) =>
          startServer({
            dir,
            dbPath: url,
            logFile,
            command: "worker",
            args: work.workerArgs,
            env: { SAGAFLOW_INSTANCE: `bench-${count}-worker-${index}`, SAGAFLOW_TOKEN: "" },
          }),
        ),
      )),
    );
    const ended = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM runs WHERE NOT (status = ANY($1::text[]))",
            [["running", "waiting", "compensating", "suspended"]],
          )
        ).rows[0]?.n ?? 0,
      );
    const began = performance.now();
    const endedBefore = await ended();
    while ((await ended()) < runs) await new Promise((resolve) => setTimeout(resolve, 20));
    const rate = perSecond(runs - endedBefore, performance.now() - began);
    const spread = await pool.query<{ owner: string | null; runs: string }>(
      "SELECT lease_owner AS owner, count(*) AS runs FROM runs GROUP BY lease_owner ORDER BY lease_owner",
    );
    const byOwner = spread.rows.map((row) => `${row.owner ?? "none"} ${row.runs}`).join(", ");
    context.log(
      `${work.name}: API alone ${starts.toFixed(0)} starts/s; ${count} worker(s) ended ${runs - endedBefore} of them after all were up`,
    );
    context.log(`${work.name}, ${count} worker(s): ${rate.toFixed(0)} runs/s (runs ended by: ${byOwner})`);
    return rate;
  } finally {
    await owners.close();
    await Promise.all(processes.map((process) => process.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

const workersId = (work: Work, count: number) =>
  work.name === "cpu" ? `postgres.workers.${count}` : `postgres.workers.io.${count}`;
const workersLabel = (work: Work, count: number) =>
  work.name === "cpu"
    ? `runs/s executed by ${count} worker(s), a backlog started through serve --no-drive`
    : `runs/s, 3 × 50 ms delay tasks, ${count} worker(s) × 8 slots, a backlog`;

function unavailable(reason: string, s: Sizes): Figure[] {
  const note = `not measured yet: PostgreSQL could not start (${reason.split("\n")[0]})`;
  return [
    ...["on", "off"].map((mode) =>
      notMeasuredYet(
        `postgres.steps.${mode}`,
        `durable steps/s, synchronous_commit=${mode}`,
        "steps/s",
        note,
      ),
    ),
    ...WORKS.flatMap((work) =>
      s.processCounts.map((count) =>
        notMeasuredYet(workersId(work, count), workersLabel(work, count), "runs/s", note),
      ),
    ),
  ];
}

export const postgres: Benchmark = {
  name: "postgres",
  title: "PostgreSQL: durable steps against raw commits, runs/s with 1-3 worker processes",
  async run(context): Promise<Figure[]> {
    const s = sizes(context);
    let server: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    let url = process.env.DATABASE_URL;
    if (!url) {
      try {
        server = await startEmbeddedPostgres({ fsync: true });
        url = server.url("postgres");
      } catch (error) {
        return unavailable(String(error), s);
      }
    }
    const figures: Figure[] = [];
    const admin = openPostgresStore(url);
    try {
      for (const synchronousCommit of [true, false]) {
        const mode = synchronousCommit ? "on" : "off";
        const store = openPostgresStore(url, {
          schema: `bench_${mode}_${Date.now()}`,
          synchronousCommit,
          poolSize: POOL,
        });
        try {
          const raw = await rawCommitsPerSecond(store, s.rawSeconds);
          const steps = await stepsPerSecond(store, s);
          context.log(
            `synchronous_commit=${mode}: raw ${raw.toFixed(0)} commits/s, engine ${steps.toFixed(0)} steps/s`,
          );
          figures.push(
            compared({
              id: `postgres.steps.${mode}`,
              label: `durable steps/s on PostgreSQL, synchronous_commit=${mode}`,
              value: steps,
              unit: "steps/s",
              baseline: {
                label: `raw one-row INSERT commits/s, ${POOL} at once`,
                value: raw,
                unit: "commits/s",
              },
              size: `${formatCount(s.runs)} runs × ${s.tasks} tasks`,
            }),
          );
        } finally {
          await store.close();
        }
      }
      for (const work of WORKS) {
        let single: number | undefined;
        for (const count of [1, 2, 3]) {
          const id = workersId(work, count);
          const label = workersLabel(work, count);
          if (!s.processCounts.includes(count)) {
            figures.push(notMeasuredYet(id, label, "runs/s", "not measured yet at the tiny scale"));
            continue;
          }
          const database = await createDatabase(admin, `bench_${work.name}_${count}_${Date.now()}`, url);
          const runs = work.runs(s);
          const rate = await runsPerSecond(database, count, runs, context, work);
          single ??= rate;
          figures.push(
            compared({
              id,
              label,
              value: rate,
              unit: "runs/s",
              ...(count > 1 ? { baseline: { label: "one worker", value: single, unit: "runs/s" } } : {}),
              size: `${formatCount(runs)} runs × 3 tasks`,
            }),
          );
        }
      }
    } finally {
      await admin.close();
      await server?.stop();
    }
    return figures;
  },
};
