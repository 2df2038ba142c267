import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConcurrentModificationError, StoreUnavailableError } from "../../errors";
import { verifyChain } from "../../history/hash";
import type { Commit } from "../types";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store";
import { createTestDatabase, stopTestPostgres } from "./test-postgres";

/**
 * What only a shared database shows: several processes' stores (separate pools) on one database. Each store
 * here stands for one process. The contract suite (../run-store.contract.test.ts) covers the rest.
 */

const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second)).toISOString();

function create(runId: string, second = 0): Commit {
  return {
    runId,
    expectedSeq: 0,
    create: { workflow: "pg", version: 1 },
    at: at(second),
    events: [{ type: "RunStarted" }],
    snapshot: { n: 0 },
    status: "running",
    wakeAt: null,
  };
}

function step(runId: string, expectedSeq: number, writer: string): Commit {
  return {
    runId,
    expectedSeq,
    at: at(expectedSeq),
    events: [{ type: "StepSucceeded", writer }],
    snapshot: { n: expectedSeq, writer },
    status: "running",
    wakeAt: null,
  };
}

let url = "";
const stores: PostgresRunStore[] = [];
const open = () => {
  const store = openPostgresStore(url, { poolSize: 4 });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  url = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await stopTestPostgres();
}, 60_000);

describe("PostgresRunStore across processes", () => {
  it("migrates once when three processes open a fresh database together", async () => {
    const [a, b, c] = [open(), open(), open()];
    await Promise.all([a.connected(), b.connected(), c.connected()]);
    await a.commit(create("shared"));
    expect((await c.getRun("shared"))?.lastSeq).toBe(1);
  });

  it("of writers racing on one checkpoint from two processes, exactly one wins each time", async () => {
    const [a, b] = [open(), open()];
    await a.commit(create("race"));
    let seq = 1;
    for (let round = 0; round < 20; round += 1) {
      const outcomes = await Promise.allSettled([
        a.commit(step("race", seq, "a")),
        b.commit(step("race", seq, "b")),
      ]);
      const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
      const lost = outcomes.filter((outcome) => outcome.status === "rejected");
      expect(won).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentModificationError);
      seq += 1;
    }
    // Each store's cached head went stale half the time; the chain is still whole and gapless.
    const history = await b.getHistory("race");
    expect(history.map((stored) => stored.seq)).toEqual(Array.from({ length: 21 }, (_, index) => index + 1));
    expect(verifyChain(history)).toMatchObject({ ok: true });
    expect((await a.getRun("race"))?.lastSeq).toBe(21);
  });

  it("claimFreeRuns: workers claiming at once take disjoint runs (SKIP LOCKED); a live lease is skipped", async () => {
    const [a, b, c] = [open(), open(), open()];
    for (let index = 0; index < 30; index += 1)
      await a.commit(create(`free-${String(index).padStart(2, "0")}`, 1));
    await a.claimRun("free-00", "other", at(9999), at(2));
    const claims = await Promise.all(
      [a, b, c].map((store, index) => store.claimFreeRuns(`w${index}`, at(100), at(2), 12)),
    );
    const all = claims.flat().filter((id) => id.startsWith("free-"));
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain("free-00");
    // Others' runs from earlier tests may be claimed too; every free run of this test went to someone.
    expect(all.sort()).toEqual(
      Array.from({ length: 29 }, (_, index) => `free-${String(index + 1).padStart(2, "0")}`),
    );
    // Claimed until at(100): nobody else gets them before then, anybody after.
    expect(await b.claimFreeRuns("late", at(200), at(50), 100)).toEqual([]);
    expect((await b.claimFreeRuns("late", at(300), at(150), 100)).length).toBeGreaterThanOrEqual(29);
  });

  it("keeps the URL's own options: ?options=-c search_path=… puts the tables in that schema", async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("CREATE SCHEMA tenant_a");
    const store = openPostgresStore(`${url}?options=${encodeURIComponent("-c search_path=tenant_a")}`);
    stores.push(store);
    await store.commit(create("in-tenant"));
    const found = await admin.query("SELECT count(*)::int AS n FROM tenant_a.runs WHERE id = 'in-tenant'");
    await admin.end();
    expect(found.rows[0]).toEqual({ n: 1 });
    expect(await open().getRun("in-tenant")).toBeUndefined();
  });

  it("LISTEN/NOTIFY: a listener hears every commit another process's notifying store made, and only those", async () => {
    const writer = openPostgresStore(url, { notifyCommits: true });
    const quiet = open();
    const reader = open();
    stores.push(writer);
    const heard: { runId: string; lastSeq: number }[] = [];
    const listener = await reader.listenCommits((notice) => heard.push(notice));
    await writer.commit(create("loud"));
    await writer.commit(step("loud", 1, "w"));
    await expect(writer.commit(step("loud", 1, "again"))).rejects.toBeInstanceOf(ConcurrentModificationError);
    await quiet.commit(create("silent"));
    await writer.commit(step("loud", 2, "w"));
    await waitFor(() => heard.at(-1)?.lastSeq === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Commits of one turn share a notice (the latest seq per run): in order, never the quiet store's.
    expect(heard.every((notice) => notice.runId === "loud")).toBe(true);
    const seqs = heard.map((notice) => notice.lastSeq);
    expect(seqs).toEqual([...new Set(seqs)].sort());
    expect(seqs.at(-1)).toBe(3);
    await listener.close();
  });

  it("a message channel whose LISTEN connection the server cut re-opens it and hears whole messages again", async () => {
    const store = open();
    const heard: string[] = [];
    const errors: unknown[] = [];
    const listener = await store.listenMessages("cut-test", (message) => heard.push(message), {
      onError: (error) => errors.push(error),
    });
    const big = "x".repeat(20_000); // several NOTIFY parts, joined back by the listener
    await store.sendMessage("cut-test", `before ${big}`);
    await waitFor(() => heard.length === 1);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
    );
    await admin.end();
    await waitFor(() => errors.length > 0);
    // Messages sent while it reconnects are lost (they are hints): send until one arrives.
    for (const until = Date.now() + 10_000; heard.length < 2 && Date.now() < until; ) {
      await store.sendMessage("cut-test", `after ${big}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await listener.close();
    expect(heard.length).toBeGreaterThanOrEqual(2);
    expect(heard[0]).toBe(`before ${big}`);
    expect(heard.slice(1).every((message) => message === `after ${big}`)).toBe(true);
  });

  it("connections cut by the server (a restart, a failover): StoreUnavailableError at worst, then it carries on", async () => {
    const store = open();
    await store.commit(create("cut"));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const cut = () =>
      admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sagaflow' AND pid <> pg_backend_pid()",
      );
    let seq = 1;
    /** One commit; a cut connection fails it with StoreUnavailableError, and then the run row says whether it stood. */
    const attempt = async (commit: Promise<unknown>) => {
      try {
        await commit;
        seq += 1;
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        // Cut after Postgres committed but before it answered: the commit may stand.
        const lastSeq = (await store.getRun("cut"))?.lastSeq ?? 0;
        expect([seq, seq + 1]).toContain(lastSeq);
        seq = lastSeq;
        return false;
      }
    };
    for (let round = 0; round < 10; round += 1) {
      // Cut while a commit is in flight (even rounds) or while the pool's connections are idle (odd rounds).
      if (round % 2) await cut();
      await Promise.all([attempt(store.commit(step("cut", seq, "w"))), round % 2 ? null : cut()]);
      // Each stale pooled connection fails at most one call; then the store carries on.
      let tries = 0;
      while (!(await attempt(store.commit(step("cut", seq, "w"))))) {
        tries += 1;
        expect(tries).toBeLessThan(5);
      }
    }
    await admin.end();
    const history = await store.getHistory("cut");
    expect(history.at(-1)?.seq).toBe(seq);
    expect(verifyChain(history)).toMatchObject({ ok: true });
  });

  it("an unreachable server is StoreUnavailableError, on the first call and from connected()", async () => {
    const port = new URL(url).port;
    const store = openPostgresStore(url.replace(`:${port}/`, ":1/"));
    await expect(store.connected()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.getRun("x")).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
