import { type Definition, isTerminalStatus } from "@sagaflow/shared";
import type pg from "pg";
import { ConcurrentModificationError, LeaseHeldError, StoreUnavailableError } from "../../errors";
import { type ChainedEvent, type ChainHead, chainEvents, headAfter } from "../chain";
import { type CheckpointStats, eventBytes, foldTail, statsAfter, writesSnapshot } from "../checkpoint";
import { decodeRunCursor, encodeRunCursor } from "../sqlite/cursor";
import { HeadCache, type RowHead } from "../sqlite/head-cache";
import { UNFINISHED_STATUSES } from "../sqlite/run-statements";
import { toStoredJson } from "../sqlite/stored-json";
import type {
  Commit,
  DefinitionSummary,
  RunFilter,
  RunPage,
  RunRecord,
  RunStore,
  StoredDefinition,
  StoredEvent,
} from "../types";
import { CommitAnnouncer } from "./commit-announcer";
import { type CommitListener, type CommitNotice, listenCommits } from "./commit-listener";
import { ADVANCE_RUN, ADVANCE_RUN_KEEP_SNAPSHOT, CREATE_RUN } from "./commit-sql";
import { connectPostgres, type PostgresOptions } from "./connection";
import { PostgresDefinitions } from "./definitions";
import { namedPostgresError } from "./errors";
import { listenMessages, type MessageListener, sendMessage } from "./message-channel";
import { EVENT_COLUMNS, type EventRow, RUN_COLUMNS, type RunRow, toRunRecord, toStoredEvent } from "./rows";
import { inTransaction } from "./transaction";

export const DEFAULT_RUN_PAGE_SIZE = 50;
export const MAX_RUN_PAGE_SIZE = 500;

/**
 * Opens a PostgreSQL database (`postgres://user:password@host:port/db`) as the engine's RunStore. Returns at
 * once: connecting and migrating happen in the background, and every method waits for them (`connected()`
 * to wait explicitly and see why it failed).
 */
export function openPostgresStore(url: string, options?: PostgresOptions): PostgresRunStore {
  return new PostgresRunStore(redactUrl(url), connectPostgres(url, options), options);
}

/** The URL without its password, to name the database in messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

/**
 * The RunStore on a pool of PostgreSQL connections, shared by any number of processes: every commit is one
 * statement that checks the checkpoint (last_seq, last_hash) and the lease as it writes, so two writers of
 * one run cannot both win, whichever process they run in. The hash chain is the one of ../chain.ts.
 */
export class PostgresRunStore implements RunStore {
  private readonly heads = new HeadCache();
  private readonly pool: Promise<pg.Pool>;
  private closed = false;
  /** Announces this store's commits to other processes (notifyCommits). */
  private readonly announcer: CommitAnnouncer | undefined;

  constructor(
    /** The database, password hidden: named in messages. */
    readonly where: string,
    pool: Promise<pg.Pool>,
    /** The options it was opened with (`schema`: to open another store on the same data). */
    readonly options: Pick<PostgresOptions, "notifyCommits" | "schema"> = {},
  ) {
    this.pool = pool;
    if (options.notifyCommits) this.announcer = new CommitAnnouncer(pool);
    // Failing to connect is reported by the first call (and by connected()), not as an unhandled rejection.
    pool.catch(() => undefined);
  }

  /** Resolves once connected and migrated; rejects (StoreUnavailableError when unreachable) if it cannot. */
  async connected(): Promise<void> {
    await this.use(async () => undefined);
  }

  /** @internal the pool, for tests that damage or inspect rows behind the store's back (testing.ts). */
  rawPool(): Promise<pg.Pool> {
    return this.pool;
  }

  // ── Definitions ──────────────────────────────────────────────────────────────────────────────

  async saveDefinition(definition: Definition, at: string): Promise<StoredDefinition> {
    return this.use((pool) => this.definitions(pool).save(definition, at));
  }

  async getDefinition(name: string, version?: number): Promise<StoredDefinition | undefined> {
    return this.read((pool) => this.definitions(pool).get(name, version));
  }

  async listDefinitions(options?: { includeArchived?: boolean }): Promise<DefinitionSummary[]> {
    return this.read((pool) => this.definitions(pool).summaries(options?.includeArchived ?? false));
  }

  async listDefinitionVersions(name: string): Promise<StoredDefinition[]> {
    return this.read(async (pool) => (await this.definitions(pool).versions(name)).reverse());
  }

  async archiveDefinition(name: string, archived: boolean): Promise<void> {
    return this.use((pool) => this.definitions(pool).archive(name, archived));
  }

  // ── Runs ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * One round trip per commit (commit-sql.ts). Commits of different runs from many callers run concurrently
   * on the pool's connections, and Postgres flushes their WAL together (its own group commit).
   */
  async commit<S>(commit: Commit<S>): Promise<StoredEvent[]> {
    return this.use(async (pool) => {
      try {
        const head = await this.headFor(pool, commit);
        const chained = chainEvents(commit.runId, head, commit.at, commit.events);
        const next = headAfter(head, chained);
        const [leaseOwner, leaseUntil] = leaseColumns(commit);
        // The snapshot only when this commit rewrites it (../checkpoint.ts); NULL keeps the stored one.
        const bytes = eventBytes(chained);
        const snapshot = writesSnapshot(commit, head.checkpoint, bytes)
          ? toStoredJson(commit.snapshot)
          : null;
        const shared = [commit.status, commit.at, snapshot, commit.wakeAt, next.seq, next.hash];
        const values =
          commit.expectedSeq === 0
            ? [commit.runId, commit.create?.workflow, commit.create?.version, ...shared]
            : [commit.runId, head.seq, head.hash, ...shared];
        const result = await pool.query<{ written: number }>({
          ...commitStatement(commit.expectedSeq === 0, snapshot !== null),
          values: [
            ...values,
            leaseOwner,
            leaseUntil,
            ...eventArrays(chained),
            ...(commit.expectedSeq === 0 ? [] : [commit.version ?? null]),
          ],
        });
        if (result.rows[0]?.written !== 1) throw await this.refusal(pool, commit);
        this.remember(commit, next, statsAfter(head.checkpoint, bytes, snapshot?.length));
        this.announcer?.announce(commit.runId, next.seq);
        return chained.map((entry) => entry.stored);
      } catch (error) {
        this.heads.forget(commit.runId);
        throw error;
      }
    });
  }

  async getRun<S>(runId: string): Promise<RunRecord<S> | undefined> {
    return this.read(async (pool) => {
      const result = await pool.query<RunRow>({
        name: "get-run",
        text: `SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`,
        values: [runId],
      });
      const row = result.rows[0];
      return row && this.toRecord<S>(pool, row);
    });
  }

  /**
   * A row as a RunRecord whose snapshot is the fold of the whole history: the events after its stored
   * snapshot folded on. A restore that cut the history between the two reads is seen (the tail is not
   * exactly the events it should be) and the row is read again.
   */
  private async toRecord<S>(pool: pg.Pool, row: RunRow, retries = 2): Promise<RunRecord<S>> {
    const record = toRunRecord<S>(row);
    const from = row.snapshot_seq;
    if (from === null || from >= row.last_seq) return record;
    const result = await pool.query<EventRow>({
      name: "snapshot-tail",
      text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
      values: [row.id, from, row.last_seq],
    });
    const tail = result.rows.map(toStoredEvent);
    if (tail.length !== row.last_seq - from && retries > 0) {
      const again = await pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [row.id]);
      const fresh = again.rows[0];
      if (fresh) return this.toRecord(pool, fresh, retries - 1);
    }
    return { ...record, snapshot: foldTail(record.snapshot, tail) };
  }

  async getHistory(runId: string, options?: { afterSeq?: number; limit?: number }): Promise<StoredEvent[]> {
    return this.read(async (pool) => {
      const result = await pool.query<EventRow>({
        name: "history",
        text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        values: [runId, options?.afterSeq ?? 0, options?.limit ?? null],
      });
      return result.rows.map(toStoredEvent);
    });
  }

  /** Newest first; the cursor is the last run of the page, so runs created meanwhile never shift a page. */
  async listRuns<S>(filter: RunFilter = {}): Promise<RunPage<S>> {
    return this.read(async (pool) => {
      const limit = Math.min(
        Math.max(1, Math.trunc(filter.limit ?? DEFAULT_RUN_PAGE_SIZE)),
        MAX_RUN_PAGE_SIZE,
      );
      const conditions: string[] = [];
      const values: unknown[] = [];
      const param = (value: unknown) => {
        values.push(value);
        return `$${values.length}`;
      };
      if (filter.status && filter.status.length > 0)
        conditions.push(`status = ANY(${param(filter.status)}::text[])`);
      if (filter.workflow !== undefined) conditions.push(`workflow = ${param(filter.workflow)}`);
      if (filter.idPrefix) {
        // A range on the primary key (byte order, COLLATE "C") rather than LIKE, so the index serves it.
        conditions.push(`id >= ${param(filter.idPrefix)}`, `id < ${param(`${filter.idPrefix}\u{10FFFF}`)}`);
      }
      if (filter.startedAfter) conditions.push(`created_at >= ${param(filter.startedAfter)}`);
      if (filter.startedBefore) conditions.push(`created_at < ${param(filter.startedBefore)}`);
      if (filter.cursor) {
        const after = decodeRunCursor(filter.cursor);
        conditions.push(`(created_at, id) < (${param(after.createdAt)}, ${param(after.id)})`);
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
      const result = await pool.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT ${param(limit + 1)}`,
        values,
      );
      const page = result.rows.slice(0, limit);
      const last = page.at(-1);
      return {
        runs: await Promise.all(page.map((row) => this.toRecord<S>(pool, row))),
        nextCursor:
          result.rows.length > limit && last
            ? encodeRunCursor({ createdAt: last.created_at, id: last.id })
            : null,
      };
    });
  }

  /** The unfinished runs `owner` leases (live or expired): what a restarted instance of that name takes back. */
  async listRunsLeasedTo(owner: string): Promise<string[]> {
    return this.read(async (pool) => {
      const result = await pool.query<{ id: string }>(
        "SELECT id FROM runs WHERE lease_owner = $1 AND status = ANY($2::text[]) ORDER BY created_at, id",
        [owner, UNFINISHED_STATUSES],
      );
      return result.rows.map((row) => row.id);
    });
  }

  async listUnfinishedRunIds(): Promise<string[]> {
    return this.read(async (pool) => {
      const result = await pool.query<{ id: string }>(
        "SELECT id FROM runs WHERE status = ANY($1::text[]) ORDER BY created_at, id",
        [UNFINISHED_STATUSES],
      );
      return result.rows.map((row) => row.id);
    });
  }

  async restore<S>(commit: Commit<S> & { keepThroughSeq: number }): Promise<StoredEvent[]> {
    return this.use(async (pool) => {
      this.heads.forget(commit.runId);
      const chained = await inTransaction(pool, (client) => applyRestore(client, commit));
      const last = chained.at(-1);
      if (last) this.remember(commit, { seq: last.stored.seq, hash: last.stored.hash }, undefined);
      return chained.map((entry) => entry.stored);
    });
  }

  /**
   * Calls `onCommit` for every commit of any process whose store has `notifyCommits` on this database and
   * schema (LISTEN/NOTIFY): how one instance's live streams learn of runs another instance drives.
   */
  async listenCommits(
    onCommit: (notice: CommitNotice) => void,
    options?: { onError?: (error: unknown) => void },
  ): Promise<CommitListener> {
    return this.use((pool) => listenCommits(pool, onCommit, options));
  }

  /** Sends a message to every process listening on `name` in this database and schema (message-channel.ts). */
  async sendMessage(name: string, message: string): Promise<void> {
    await this.use((pool) => sendMessage(pool, name, message));
  }

  /** Hears the messages sent on `name` (the cluster's forwarded operator calls and their answers). */
  async listenMessages(
    name: string,
    onMessage: (message: string) => void,
    options?: { onError?: (error: unknown) => void },
  ): Promise<MessageListener> {
    return this.use((pool) => listenMessages(pool, name, onMessage, options));
  }

  /** Who holds a run's lease and until when; undefined for no such run, nulls when nobody does. */
  async leaseOf(runId: string): Promise<{ owner: string | null; until: string | null } | undefined> {
    return this.read(async (pool) => {
      const result = await pool.query<{ owner: string | null; until: string | null }>(
        "SELECT lease_owner AS owner, lease_until AS until FROM runs WHERE id = $1",
        [runId],
      );
      return result.rows[0];
    });
  }

  // ── Leases ───────────────────────────────────────────────────────────────────────────────────

  async claimRun(runId: string, owner: string, leaseUntil: string, now?: string): Promise<boolean> {
    return this.use(async (pool) => {
      const result = await pool.query({
        name: "claim-run",
        text: `UPDATE runs SET lease_owner = $2, lease_until = $3
               WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until IS NULL OR lease_until <= $4)`,
        values: [runId, owner, leaseUntil, now ?? new Date().toISOString()],
      });
      return result.rowCount === 1;
    });
  }

  /**
   * Claims up to `limit` unfinished runs no live lease holds, oldest first, for a worker looking for work:
   * runs started by `serve --no-drive` (created with no lease) and runs whose owner's lease expired. A run
   * waiting on a timer is claimed too: a run handed off with a deadline has a timer from its first commit, and
   * its claimant is who fires its timers. FOR UPDATE SKIP LOCKED: workers claiming at the same moment each
   * take different runs instead of queueing.
   */
  async claimFreeRuns(owner: string, leaseUntil: string, now: string, limit: number): Promise<string[]> {
    return this.use(async (pool) => {
      const result = await pool.query<{ id: string }>(
        `UPDATE runs SET lease_owner = $1, lease_until = $2
         WHERE id IN (
           SELECT id FROM runs
           WHERE status = ANY($5::text[]) AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until <= $3)
           ORDER BY created_at, id LIMIT $4
           FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [owner, leaseUntil, now, limit, UNFINISHED_STATUSES],
      );
      return result.rows.map((row) => row.id);
    });
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    await this.use((pool) =>
      pool.query(
        "UPDATE runs SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2",
        [runId, owner],
      ),
    );
  }

  async renewLeases(owner: string, leaseUntil: string): Promise<void> {
    await this.use((pool) =>
      pool.query("UPDATE runs SET lease_until = $1 WHERE lease_owner = $2 AND status = ANY($3::text[])", [
        leaseUntil,
        owner,
        UNFINISHED_STATUSES,
      ]),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.announcer?.flush();
    const pool = await this.pool.catch(() => undefined);
    await pool?.end();
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────

  /**
   * A read, tried twice: after a restart or failover of the server, each stale pooled connection fails one
   * call, and a read is safe to repeat. (A commit is not retried: the caller learns the outcome is unknown.)
   */
  private async read<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T> {
    try {
      return await this.use(work);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || this.closed) throw error;
      return this.use(work);
    }
  }

  /** Waits for the pool, runs `work`, and names Postgres's failures (errors.ts). */
  private async use<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error("The store is closed");
    try {
      return await work(await this.pool);
    } catch (error) {
      throw namedPostgresError(error);
    }
  }

  private definitions(pool: pg.Pool): PostgresDefinitions {
    return new PostgresDefinitions(pool, this.where);
  }

  /** The chain head the commit builds on: the cached hint if it agrees with expectedSeq, else the row. */
  private async headFor(pool: pg.Pool, commit: Commit<unknown>): Promise<RowHead> {
    if (commit.expectedSeq === 0) {
      if (!commit.create) throw new TypeError(`commit of new run ${commit.runId} needs "create"`);
      return { seq: 0, hash: "" };
    }
    const cached = this.heads.get(commit.runId);
    if (cached?.seq === commit.expectedSeq) return cached;
    const result = await pool.query<{ last_seq: number; last_hash: string }>({
      name: "run-head",
      text: "SELECT last_seq, last_hash FROM runs WHERE id = $1",
      values: [commit.runId],
    });
    const row = result.rows[0];
    if (!row) throw new ConcurrentModificationError(`run ${commit.runId} does not exist`);
    if (row.last_seq !== commit.expectedSeq) throw staleSeq(commit.runId, commit.expectedSeq, row.last_seq);
    return { seq: row.last_seq, hash: row.last_hash };
  }

  /** Why a commit wrote nothing: the run exists already, another owner's live lease, or a stale checkpoint. */
  private async refusal(pool: pg.Pool, commit: Commit<unknown>): Promise<Error> {
    if (commit.expectedSeq === 0)
      return new ConcurrentModificationError(`run ${commit.runId} already exists`);
    const result = await pool.query<{ owner: string | null; until: string | null }>(
      "SELECT lease_owner AS owner, lease_until AS until FROM runs WHERE id = $1",
      [commit.runId],
    );
    const held = result.rows[0];
    const owner = commit.lease?.owner;
    if (owner && held?.owner && held.owner !== owner && held.until && held.until > commit.at) {
      return new LeaseHeldError(commit.runId);
    }
    return new ConcurrentModificationError(
      `run ${commit.runId} moved past checkpoint ${commit.expectedSeq} (or was restored)`,
    );
  }

  /** Finished runs leave the cache: they are rarely written again. */
  /** The head and, when known, what this store wrote of the snapshot (to skip rewriting it next time). */
  private remember(commit: Commit<unknown>, head: ChainHead, checkpoint: CheckpointStats | undefined): void {
    if (isTerminalStatus(commit.status)) this.heads.forget(commit.runId);
    else this.heads.set(commit.runId, { ...head, checkpoint });
  }
}

/** The prepared statement of a commit: a creation, or an advance that writes the snapshot or keeps it. */
function commitStatement(create: boolean, writesSnapshot: boolean): { name: string; text: string } {
  if (create) return { name: "commit-create", text: CREATE_RUN };
  return writesSnapshot
    ? { name: "commit-advance", text: ADVANCE_RUN }
    : { name: "commit-advance-keep", text: ADVANCE_RUN_KEEP_SNAPSHOT };
}

/** Inside the restore's transaction: lock the run row, check it, cut the history, append, checkpoint. */
async function applyRestore(
  client: pg.PoolClient,
  commit: Commit<unknown> & { keepThroughSeq: number },
): Promise<ChainedEvent[]> {
  const { runId, keepThroughSeq } = commit;
  const found = await client.query<{ last_seq: number }>(
    "SELECT last_seq FROM runs WHERE id = $1 FOR UPDATE",
    [runId],
  );
  const row = found.rows[0];
  if (!row) throw new Error(`cannot restore run ${runId}: it does not exist`);
  if (row.last_seq !== commit.expectedSeq) throw staleSeq(runId, commit.expectedSeq, row.last_seq);
  if (!Number.isInteger(keepThroughSeq) || keepThroughSeq < 0 || keepThroughSeq > row.last_seq) {
    throw new RangeError(`cannot restore run ${runId} to event ${keepThroughSeq}: it has 1..${row.last_seq}`);
  }
  let keptHash = "";
  if (keepThroughSeq > 0) {
    const kept = await client.query<{ hash: string }>(
      "SELECT hash FROM events WHERE run_id = $1 AND seq = $2",
      [runId, keepThroughSeq],
    );
    const hash = kept.rows[0]?.hash;
    if (hash === undefined) {
      throw new Error(`cannot restore run ${runId} to event ${keepThroughSeq}: that event is missing`);
    }
    keptHash = hash;
  }
  const head = { seq: keepThroughSeq, hash: keptHash };
  const chained = chainEvents(runId, head, commit.at, commit.events);
  const next = headAfter(head, chained);
  const [leaseOwner, leaseUntil] = leaseColumns(commit);
  await client.query("DELETE FROM events WHERE run_id = $1 AND seq > $2", [runId, keepThroughSeq]);
  await client.query(
    `UPDATE runs SET status = $2, snapshot = $3, snapshot_seq = NULL, wake_at = $4, last_seq = $5, last_hash = $6, updated_at = $7,
       lease_owner = coalesce($8::text, lease_owner), lease_until = coalesce($9::text, lease_until)
     WHERE id = $1`,
    [
      runId,
      commit.status,
      toStoredJson(commit.snapshot),
      commit.wakeAt,
      next.seq,
      next.hash,
      commit.at,
      leaseOwner,
      leaseUntil,
    ],
  );
  await client.query(
    `INSERT INTO events (run_id, seq, type, at, event, prev_hash, hash)
     SELECT $1, e.seq, e.type, $2, e.event, e.prev_hash, e.hash
     FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS e(seq, type, event, prev_hash, hash)`,
    [runId, commit.at, ...eventArrays(chained)],
  );
  return chained;
}

/** The chained events as the five arrays the commit statements unnest. */
function eventArrays(chained: readonly ChainedEvent[]): [number[], string[], string[], string[], string[]] {
  return [
    chained.map((entry) => entry.stored.seq),
    chained.map((entry) => entry.stored.event.type),
    chained.map((entry) => entry.json),
    chained.map((entry) => entry.stored.prevHash),
    chained.map((entry) => entry.stored.hash),
  ];
}

/** The lease columns a commit writes: its lease, released (expired now) once the run is terminal. */
function leaseColumns(commit: Commit<unknown>): [string | null, string | null] {
  if (!commit.lease) return [null, null];
  return [commit.lease.owner, isTerminalStatus(commit.status) ? commit.at : commit.lease.until];
}

function staleSeq(runId: string, expectedSeq: number, actualSeq: number): ConcurrentModificationError {
  return new ConcurrentModificationError(
    `run ${runId} is at checkpoint ${actualSeq}, the commit expected ${expectedSeq}`,
  );
}
