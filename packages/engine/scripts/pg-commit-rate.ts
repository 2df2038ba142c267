/**
 * Durable commits per second on PostgreSQL: the store's commits (events + checkpoint, one statement) against
 * the raw commit limit of the same server (one-row INSERTs), with synchronous_commit on and off, fsync on.
 * Usage: `pnpm --filter @sagaflow/engine exec tsx scripts/pg-commit-rate.ts [seconds] [concurrency]`.
 * Uses DATABASE_URL when set, else an embedded Postgres (fsync on) it starts and stops.
 */
import pg from "pg";
import { openPostgresStore } from "../src/store/postgres";
import { startEmbeddedPostgres } from "../src/store/postgres/test-postgres";

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 16);

async function forSeconds(workers: number, work: (worker: number) => Promise<void>): Promise<number> {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (Date.now() < until) {
        await work(worker);
        done += 1;
      }
    }),
  );
  return done / seconds;
}

async function raw(url: string, synchronousCommit: boolean): Promise<number> {
  const pool = new pg.Pool({
    connectionString: url,
    max: concurrency,
    options: `-c synchronous_commit=${synchronousCommit ? "on" : "off"}`,
  });
  await pool.query("CREATE TABLE IF NOT EXISTS raw_commits (id bigserial PRIMARY KEY, body text)");
  const rate = await forSeconds(concurrency, async () => {
    await pool.query("INSERT INTO raw_commits (body) VALUES ($1)", ["x".repeat(200)]);
  });
  await pool.end();
  return rate;
}

async function store(url: string, synchronousCommit: boolean, notifyCommits = false): Promise<number> {
  const runs = openPostgresStore(url, { poolSize: concurrency, synchronousCommit, notifyCommits });
  const tag = `${synchronousCommit ? "on" : "off"}-${notifyCommits}-${Date.now()}`;
  const seqs: number[] = [];
  for (let worker = 0; worker < concurrency; worker += 1) {
    await runs.commit({
      runId: `${tag}-${worker}`,
      expectedSeq: 0,
      create: { workflow: "bench", version: 1 },
      at: new Date().toISOString(),
      events: [{ type: "RunStarted" }],
      snapshot: { step: 0 },
      status: "running",
      wakeAt: null,
    });
    seqs[worker] = 1;
  }
  const rate = await forSeconds(concurrency, async (worker) => {
    const expectedSeq = seqs[worker] ?? 1;
    await runs.commit({
      runId: `${tag}-${worker}`,
      expectedSeq,
      at: new Date().toISOString(),
      events: [{ type: "StepSucceeded", state: "work", output: { ok: true, n: expectedSeq } }],
      snapshot: { step: expectedSeq, steps: { work: { ok: true } } },
      status: "running",
      wakeAt: null,
    });
    seqs[worker] = expectedSeq + 1;
  });
  await runs.close();
  return rate;
}

const server = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ fsync: true });
const url = process.env.DATABASE_URL ?? (server?.url("postgres") as string);
try {
  console.log(`${seconds}s each, ${concurrency} concurrent writers, fsync on`);
  for (const synchronousCommit of [true, false]) {
    const limit = await raw(url, synchronousCommit);
    const commits = await store(url, synchronousCommit);
    const mode = `synchronous_commit=${synchronousCommit ? "on " : "off"}`;
    const notified = await store(url, synchronousCommit, true);
    const share = (rate: number) => `${((rate / limit) * 100).toFixed(0)}% of raw`;
    console.log(
      `${mode}  raw commits/s ${limit.toFixed(0).padStart(6)}  store commits/s ${commits.toFixed(0).padStart(6)} (${share(commits)})  with NOTIFY ${notified.toFixed(0).padStart(6)} (${share(notified)})`,
    );
  }
} finally {
  await server?.stop();
}
