import { join } from "node:path";
import type { RunStatus } from "@sagaflow/shared";
import Database from "better-sqlite3";
import { MemoryRunStore, openSqliteStore } from "../engine";
import { newEngine, runToEnd } from "../harness/engine-runs";
import { formatCount, percentile } from "../harness/stats";
import { chainWorkflow } from "../harness/workflows";
import { type Benchmark, compared, type Figure } from "../types";

/**
 * The runs page's query (`runs.list`, i.e. the store's listRuns) with many runs in the database: each
 * filter the page offers, at 100k runs against the same query at 1k. Runs are copies of one engine-made
 * run, planted row by row with raw SQL (making 100k through the engine would take minutes and measure
 * something else); ids are ULIDs of their start time, as the engine makes them.
 */

const STATUSES: [RunStatus, number][] = [
  ["succeeded", 0.8],
  ["failed", 0.08],
  ["compensated", 0.05],
  ["waiting", 0.04],
  ["running", 0.02],
  ["compensation_failed", 0.01],
];
const WORKFLOWS = ["order-saga", "db-migration", "approval"];
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const START = Date.parse("2026-11-01T00:00:00.000Z");

/** A ULID for `time`, its random part from a seeded generator so runs are the same every time. */
function ulidAt(time: number, random: () => number): string {
  let head = "";
  for (let i = 0, t = time; i < 10; i += 1, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  let tail = "";
  for (let i = 0; i < 16; i += 1) tail += CROCKFORD[Math.floor(random() * 32)];
  return head + tail;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

/** The status whose share of the cumulative distribution holds `u` (uniform in [0, 1)). */
function pickStatus(u: number): RunStatus {
  let left = u;
  for (const [status, share] of STATUSES) {
    if (left < share) return status;
    left -= share;
  }
  return "succeeded";
}

/** `count` runs, one a second from START, statuses and workflows mixed as in a busy installation. */
async function plantRuns(path: string, count: number): Promise<string[]> {
  const store = openSqliteStore(path, { synchronous: "NORMAL" });
  const template = new MemoryRunStore();
  const engine = newEngine(template);
  const definition = chainWorkflow(3, "bench-list");
  let templateId: string;
  try {
    [templateId = ""] = await runToEnd(engine, definition);
    await store.saveDefinition(definition, new Date(START).toISOString());
  } finally {
    await engine.close();
    await store.close();
  }
  const snapshot = JSON.stringify((await template.getRun(templateId))?.snapshot);
  const random = seeded(count);
  const ids: string[] = [];
  const db = new Database(path);
  try {
    const insert = db.prepare(
      `INSERT INTO runs (id, workflow, version, status, created_at, updated_at, last_seq, last_hash)
       VALUES (?, ?, 1, ?, ?, ?, 0, '')`,
    );
    // The checkpoint has its own table (store/checkpoint.ts): the fold of the run's events up to `seq`.
    const insertSnapshot = db.prepare("INSERT INTO snapshots (run_id, seq, snapshot) VALUES (?, 0, ?)");
    db.transaction(() => {
      for (let i = 0; i < count; i += 1) {
        const time = START + i * 1000;
        const id = ulidAt(time, random);
        const status = pickStatus(random());
        const at = new Date(time).toISOString();
        insert.run(id, WORKFLOWS[i % WORKFLOWS.length], status, at, at);
        insertSnapshot.run(id, snapshot);
        ids.push(id);
      }
    })();
  } finally {
    db.close();
  }
  return ids;
}

type Query = { kind: string; label: string; filter: (ids: string[]) => Record<string, unknown> };

const QUERIES: Query[] = [
  { kind: "first-page", label: "first page, no filter", filter: () => ({}) },
  { kind: "status", label: "status failed", filter: () => ({ status: ["failed"] }) },
  {
    kind: "attention",
    label: "needs a person (3 statuses)",
    filter: () => ({ status: ["compensation_failed", "suspended", "waiting"] }),
  },
  { kind: "workflow", label: "one workflow", filter: () => ({ workflow: "approval" }) },
  {
    kind: "id-prefix",
    label: "id prefix (12 characters)",
    filter: (ids) => ({ idPrefix: ids[Math.floor(ids.length / 2)]?.slice(0, 12) }),
  },
  {
    kind: "time-range",
    label: "started within one hour",
    filter: (ids) => {
      const middle = START + Math.floor(ids.length / 2) * 1000;
      return {
        startedAfter: new Date(middle - 3_600_000).toISOString(),
        startedBefore: new Date(middle).toISOString(),
      };
    },
  },
];

/** p95 of each query, and of paging to the 10th page with the keyset cursor, over `repeat` calls. */
async function measure(path: string, ids: string[], repeat: number): Promise<Map<string, number>> {
  const store = openSqliteStore(path, { synchronous: "NORMAL" });
  const p95 = new Map<string, number>();
  try {
    for (const query of QUERIES) {
      const filter = { ...query.filter(ids), limit: 25 };
      const times: number[] = [];
      for (let i = 0; i < repeat; i += 1) {
        const started = performance.now();
        const page = await store.listRuns(filter);
        times.push(performance.now() - started);
        if (page.runs.length === 0) throw new Error(`${query.kind}: no runs`);
      }
      p95.set(query.kind, percentile(times.slice(Math.min(5, repeat - 1)), 95));
    }
    const times: number[] = [];
    for (let i = 0; i < repeat; i += 1) {
      let cursor: string | undefined;
      for (let page = 0; page < 9; page += 1)
        cursor = (await store.listRuns({ limit: 25, ...(cursor ? { cursor } : {}) })).nextCursor ?? undefined;
      const started = performance.now();
      await store.listRuns({ limit: 25, ...(cursor ? { cursor } : {}) });
      times.push(performance.now() - started);
    }
    p95.set("page-10", percentile(times, 95));
  } finally {
    await store.close();
  }
  return p95;
}

export const runsList: Benchmark = {
  name: "runs-list",
  title: "runs.list with many runs",
  async run(context) {
    const [small, large] = context.scale === "tiny" ? [100, 1_000] : [1_000, 100_000];
    const repeat = context.scale === "tiny" ? 20 : 200;
    const results: Map<string, number>[] = [];
    for (const size of [small, large]) {
      const path = join(context.tempDir(), `runs-${size}.db`);
      const ids = await plantRuns(path, size);
      results.push(await measure(path, ids, repeat));
      context.log(`  ${formatCount(size)} runs: ${JSON.stringify(Object.fromEntries(results.at(-1) ?? []))}`);
    }
    const [base, big] = results;
    const figures: Figure[] = [];
    const kinds = [...QUERIES.map((q) => [q.kind, q.label]), ["page-10", "10th page (keyset cursor)"]];
    for (const [kind = "", label = ""] of kinds) {
      figures.push(
        compared({
          id: `runs-list.${kind}`,
          label: `runs.list p95, ${label}, ${formatCount(large)} runs`,
          value: big?.get(kind) ?? null,
          unit: "ms",
          baseline: { label: `${formatCount(small)} runs`, value: base?.get(kind) ?? 0, unit: "ms" },
          size: `${formatCount(large)} runs, page of 25, ${repeat} calls`,
        }),
      );
    }
    return figures;
  },
};
