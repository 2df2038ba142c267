import { type Definition, isTerminalStatus } from "@sagaflow/shared";
import { and, desc, eq, gte, inArray, lt, or, type SQL } from "drizzle-orm";
import { ConcurrentModificationError, LeaseHeldError } from "../../errors";
import { type ChainedEvent, chainEvents, headAfter } from "../chain";
import { type CheckpointStats, eventBytes, foldTail, statsAfter, writesSnapshot } from "../checkpoint";
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
import { type Connection, openConnection, type SqliteOptions } from "./connection";
import { decodeRunCursor, encodeRunCursor } from "./cursor";
import { DefinitionTable } from "./definition-table";
import { namedSqliteError } from "./errors";
import { HeadCache, type RowHead } from "./head-cache";
import { type RunRow, toRunRecord, toStoredEvent } from "./rows";
import {
  type EventParams,
  MAX_EVENTS_PER_INSERT,
  prepareRunStatements,
  type RunStatements,
} from "./run-statements";
import { runs, snapshots } from "./schema";
import { toStoredJson } from "./stored-json";
import { WalCheckpointer } from "./wal-checkpointer";

export const DEFAULT_RUN_PAGE_SIZE = 50;
export const MAX_RUN_PAGE_SIZE = 500;

const runColumns = {
  id: runs.id,
  workflow: runs.workflow,
  version: runs.version,
  status: runs.status,
  createdAt: runs.createdAt,
  updatedAt: runs.updatedAt,
  lastSeq: runs.lastSeq,
  lastHash: runs.lastHash,
  snapshot: snapshots.snapshot,
  snapshotSeq: snapshots.seq,
  wakeAt: runs.wakeAt,
};

/** Opens (creating and migrating if needed) a SQLite file, or ":memory:", as the engine's RunStore. */
export function openSqliteStore(path: string, options?: SqliteOptions): SqliteRunStore {
  return new SqliteRunStore(path, openConnection(path, options));
}

/**
 * The RunStore on one better-sqlite3 connection. Every method is synchronous underneath and async only to
 * honour the interface; each write is one IMMEDIATE transaction, so other processes on the same file
 * wait for it (busy_timeout) rather than fail half-way.
 */
export class SqliteRunStore implements RunStore {
  private readonly statements: RunStatements;
  private readonly definitions: DefinitionTable;
  private readonly heads = new HeadCache();
  private readonly writeCommit: (write: PreparedCommit) => void;
  /** Many commits in one IMMEDIATE transaction, each in its own savepoint (`writeCommit` nested). */
  private readonly writeBatch: (writes: PreparedCommit[]) => (Error | undefined)[];
  private readonly writeRestore: (commit: Commit<unknown> & { keepThroughSeq: number }) => StoredEvent[];
  /** Runs a read in one (deferred) transaction: a row and the events its snapshot is behind by agree. */
  private readonly consistentRead: <T>(read: () => T) => T;
  /** Commits waiting for the next flush (group commit, see `commit`). */
  private pending: PendingCommit[] = [];
  private closing: Promise<void> | undefined;
  /** @internal WAL checkpoints on a worker thread (./wal-checkpointer.ts); none for ":memory:". */
  readonly checkpointer: WalCheckpointer | undefined;

  constructor(
    readonly path: string,
    /** @internal the connection; tests reach it through `rawSqlite(store)`. */
    readonly connection: Connection,
  ) {
    this.statements = prepareRunStatements(connection.sqlite);
    this.definitions = new DefinitionTable(connection, path);
    const writeOne = connection.sqlite.transaction(this.applyCommit.bind(this));
    this.writeCommit = writeOne.immediate;
    this.writeBatch = connection.sqlite.transaction((writes: PreparedCommit[]) =>
      writes.map((write) => {
        try {
          writeOne(write);
          return undefined;
        } catch (error) {
          // A failed statement rolled back its savepoint only; if SQLite ended the whole transaction
          // (a full disk, an I/O error), nothing of the batch stands: fail it all.
          if (!connection.sqlite.inTransaction) throw error;
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    ).immediate;
    this.writeRestore = connection.sqlite.transaction(this.applyRestore.bind(this)).immediate;
    const reading = connection.sqlite.transaction((read: () => unknown) => read());
    this.consistentRead = <T>(read: () => T) => reading(read) as T;
    this.checkpointer = WalCheckpointer.for(connection.sqlite, path);
  }

  // ── Definitions ──────────────────────────────────────────────────────────────────────────────

  async saveDefinition(definition: Definition, at: string): Promise<StoredDefinition> {
    return this.guard(() => this.definitions.save(definition, at));
  }

  async getDefinition(name: string, version?: number): Promise<StoredDefinition | undefined> {
    return this.guard(() => this.definitions.get(name, version));
  }

  async listDefinitions(options?: { includeArchived?: boolean }): Promise<DefinitionSummary[]> {
    return this.guard(() => this.definitions.summaries(options?.includeArchived ?? false));
  }

  async listDefinitionVersions(name: string): Promise<StoredDefinition[]> {
    return this.guard(() => this.definitions.versions(name));
  }

  async archiveDefinition(name: string, archived: boolean): Promise<void> {
    this.guard(() => this.definitions.archive(name, archived));
  }

  // ── Runs ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Group commit: commits made in the same turn of the event loop (many runs stepping at once) are written
   * together once the turn's promise jobs have run, in one IMMEDIATE transaction with a savepoint each, so
   * the fixed cost of a transaction is paid once per batch. Each commit is still its events plus its
   * checkpoint, all or nothing, and its promise resolves only once the transaction holding it committed.
   * Every other method writes out the waiting commits first, so reads see them.
   */
  async commit<S>(commit: Commit<S>): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ commit, resolve, reject });
      if (this.pending.length === 1) process.nextTick(() => this.flush());
    });
  }

  async getRun<S>(runId: string): Promise<RunRecord<S> | undefined> {
    return this.guard(() =>
      this.consistentRead(() => {
        const row = this.statements.getRun.get(runId);
        return row && this.toRecord<S>(row);
      }),
    );
  }

  async getHistory(runId: string, options?: { afterSeq?: number; limit?: number }): Promise<StoredEvent[]> {
    return this.guard(() =>
      this.statements.history
        .all(runId, options?.afterSeq ?? 0, options?.limit ?? -1)
        .map((row) => toStoredEvent(row)),
    );
  }

  /** Newest first; the cursor is the last run of the page, so runs created meanwhile never shift a page. */
  async listRuns<S>(filter: RunFilter = {}): Promise<RunPage<S>> {
    return this.guard(() => {
      const limit = Math.min(
        Math.max(1, Math.trunc(filter.limit ?? DEFAULT_RUN_PAGE_SIZE)),
        MAX_RUN_PAGE_SIZE,
      );
      const conditions: SQL[] = [];
      if (filter.status && filter.status.length > 0) conditions.push(inArray(runs.status, filter.status));
      if (filter.workflow !== undefined) conditions.push(eq(runs.workflow, filter.workflow));
      if (filter.idPrefix) {
        // A range on the primary key rather than LIKE, which ignores case and so cannot use the index.
        conditions.push(gte(runs.id, filter.idPrefix), lt(runs.id, `${filter.idPrefix}\u{10FFFF}`));
      }
      if (filter.startedAfter) conditions.push(gte(runs.createdAt, filter.startedAfter));
      if (filter.startedBefore) conditions.push(lt(runs.createdAt, filter.startedBefore));
      if (filter.cursor) {
        const after = decodeRunCursor(filter.cursor);
        const olderThanCursor = or(
          lt(runs.createdAt, after.createdAt),
          and(eq(runs.createdAt, after.createdAt), lt(runs.id, after.id)),
        );
        if (olderThanCursor) conditions.push(olderThanCursor);
      }
      return this.consistentRead(() => {
        const rows = this.connection.db
          .select(runColumns)
          .from(runs)
          .leftJoin(snapshots, eq(snapshots.runId, runs.id))
          .where(and(...conditions))
          .orderBy(desc(runs.createdAt), desc(runs.id))
          .limit(limit + 1)
          .all();
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          runs: page.map((row) => this.toRecord<S>(row)),
          nextCursor: rows.length > limit && last ? encodeRunCursor(last) : null,
        };
      });
    });
  }

  async listUnfinishedRunIds(): Promise<string[]> {
    return this.guard(() => this.statements.unfinishedIds.all());
  }

  async restore<S>(commit: Commit<S> & { keepThroughSeq: number }): Promise<StoredEvent[]> {
    return this.guard(() => {
      this.heads.forget(commit.runId);
      const stored = this.writeRestore(commit);
      const last = stored.at(-1);
      // Not cached: the next commit rewrites the snapshot (its size is not known here).
      if (last) this.remember(commit, { seq: last.seq, hash: last.hash }, undefined);
      return stored;
    });
  }

  // ── Leases ───────────────────────────────────────────────────────────────────────────────────

  async claimRun(runId: string, owner: string, leaseUntil: string, now?: string): Promise<boolean> {
    return this.guard(
      () =>
        this.statements.claim.run(owner, leaseUntil, runId, owner, now ?? new Date().toISOString())
          .changes === 1,
    );
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    this.guard(() => this.statements.release.run(runId, owner));
  }

  async renewLeases(owner: string, leaseUntil: string): Promise<void> {
    this.guard(() => this.statements.renewLeases.run(leaseUntil, owner));
  }

  /** Writes what is waiting, stops the checkpoint worker, closes the file; once, however often called. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    if (!this.connection.sqlite.open) return;
    this.flush();
    await this.checkpointer?.close();
    // Commits made while the worker stopped are written too: none is left without an answer.
    this.flush();
    this.connection.sqlite.close();
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────

  /** Writes the waiting commits: one alone in its own transaction, several in one batch. */
  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.checkpointer?.committed(batch.length);
    if (batch.length === 1) {
      this.flushOne(batch[0] as PendingCommit);
      return;
    }
    const writes: { waiting: PendingCommit; write: PreparedCommit }[] = [];
    for (const waiting of batch) {
      try {
        writes.push({ waiting, write: this.prepareCommit(waiting.commit) });
      } catch (error) {
        waiting.reject(this.named(error));
      }
    }
    let outcomes: (Error | undefined)[];
    try {
      outcomes =
        writes.length === 1 && writes[0]
          ? [this.writeAlone(writes[0].write)]
          : this.writeBatch(writes.map((entry) => entry.write));
    } catch (error) {
      for (const { waiting } of writes) {
        this.heads.forget(waiting.commit.runId);
        waiting.reject(this.named(error));
      }
      return;
    }
    for (const [index, { waiting, write }] of writes.entries()) {
      const failure = outcomes[index];
      if (failure) {
        this.heads.forget(waiting.commit.runId);
        waiting.reject(this.named(failure));
      } else {
        this.remember(waiting.commit, headAfter(write.head, write.chained), write.checkpoint);
        waiting.resolve(write.chained.map((entry) => entry.stored));
      }
    }
  }

  /** `flush` of a lone commit (one run stepping: every step) without the batch's arrays. */
  private flushOne(waiting: PendingCommit): void {
    let write: PreparedCommit;
    try {
      write = this.prepareCommit(waiting.commit);
    } catch (error) {
      waiting.reject(this.named(error));
      return;
    }
    let failure: unknown;
    let failed = false;
    try {
      failure = this.writeAlone(write);
      failed = failure !== undefined;
    } catch (error) {
      failure = error;
      failed = true;
    }
    if (failed) {
      this.heads.forget(waiting.commit.runId);
      waiting.reject(this.named(failure));
      return;
    }
    this.remember(waiting.commit, headAfter(write.head, write.chained), write.checkpoint);
    waiting.resolve(write.chained.map((entry) => entry.stored));
  }

  /** A commit alone: a logical refusal (stale checkpoint) is its outcome; anything else fails the write. */
  private writeAlone(write: PreparedCommit): Error | undefined {
    try {
      this.writeCommit(write);
      return undefined;
    } catch (error) {
      if (error instanceof ConcurrentModificationError) return error;
      throw error;
    }
  }

  /**
   * Hashing and serialising happen before the transaction, so the write lock is held only for SQL. The
   * snapshot is serialised only when this commit rewrites it (../checkpoint.ts).
   */
  private prepareCommit(commit: Commit<unknown>): PreparedCommit {
    const head = this.headFor(commit);
    const chained = chainEvents(commit.runId, head, commit.at, commit.events);
    const bytes = eventBytes(chained);
    const snapshot = writesSnapshot(commit, head.checkpoint, bytes) ? toStoredJson(commit.snapshot) : null;
    return {
      commit,
      head,
      chained,
      rows: eventParams(chained),
      snapshot,
      checkpoint: statsAfter(head.checkpoint, bytes, snapshot?.length),
    };
  }

  /** A row as a RunRecord whose snapshot is the fold of the whole history: its tail folded on. */
  private toRecord<S>(row: RunRow): RunRecord<S> {
    const record = toRunRecord<S>(row);
    if (row.snapshotSeq === null || row.snapshotSeq >= row.lastSeq) return record;
    const tail = this.statements.tail.all(row.id, row.snapshotSeq, row.lastSeq).map(toStoredEvent);
    return { ...record, snapshot: foldTail(record.snapshot, tail) };
  }

  /** The chain head the commit builds on: the cached hint if it agrees with expectedSeq, else the row. */
  private headFor(commit: Commit<unknown>): RowHead {
    if (commit.expectedSeq === 0) {
      if (!commit.create) throw new TypeError(`commit of new run ${commit.runId} needs "create"`);
      return { seq: 0, hash: "" };
    }
    const cached = this.heads.get(commit.runId);
    if (cached?.seq === commit.expectedSeq) return cached;
    const row = this.statements.head.get(commit.runId);
    if (!row) throw new ConcurrentModificationError(`run ${commit.runId} does not exist`);
    if (row.lastSeq !== commit.expectedSeq) throw staleSeq(commit.runId, commit.expectedSeq, row.lastSeq);
    return { seq: row.lastSeq, hash: row.lastHash, status: row.status, wakeAt: row.wakeAt };
  }

  /**
   * Runs inside the IMMEDIATE transaction: check-and-advance the run row first, then the snapshot (when this
   * commit rewrites it), then append.
   */
  private applyCommit({ commit, head, chained, rows, snapshot }: PreparedCommit): void {
    const next = headAfter(head, chained);
    const lease = leaseColumns(commit);
    const owner = commit.lease?.owner ?? null;
    if (commit.expectedSeq === 0) {
      const create = commit.create!;
      const inserted = this.statements.insertRun.run(
        commit.runId,
        create.workflow,
        create.version,
        commit.status,
        commit.at,
        commit.at,
        next.seq,
        next.hash,
        commit.wakeAt,
        ...lease,
      );
      if (inserted.changes === 0) {
        throw new ConcurrentModificationError(`run ${commit.runId} already exists`);
      }
    } else {
      // The WHERE checks seq and hash, and every write that changes status or wake time moves them, so a
      // stale cached status can only fail the check, never leave a wrong status behind.
      const unchanged = head.status === commit.status && head.wakeAt === commit.wakeAt;
      // The common case (most steps) with its arguments spelled out: no arrays spread per commit.
      const updated = unchanged
        ? this.statements.advanceRunHead.run(
            next.seq,
            next.hash,
            commit.at,
            lease[0],
            lease[1],
            commit.runId,
            head.seq,
            head.hash,
            owner,
            owner,
            commit.at,
          )
        : this.statements.advanceRun.run(
            commit.status,
            commit.wakeAt,
            next.seq,
            next.hash,
            commit.at,
            ...lease,
            ...checkOf(commit, head, owner),
          );
      if (updated.changes === 0) {
        const held = this.statements.lease.get(commit.runId);
        if (owner && held?.owner && held.owner !== owner && held.until && held.until > commit.at) {
          throw new LeaseHeldError(commit.runId);
        }
        throw new ConcurrentModificationError(
          `run ${commit.runId} moved past checkpoint ${commit.expectedSeq} (or was restored)`,
        );
      }
      if (commit.version !== undefined) this.statements.setVersion.run(commit.version, commit.runId);
    }
    // A new run always writes its snapshot (writesSnapshot).
    if (snapshot !== null || commit.expectedSeq === 0) {
      this.statements.writeSnapshot.run(commit.runId, next.seq, snapshot ?? toStoredJson(commit.snapshot));
    }
    this.insertEvents(chained.length, rows);
  }

  /** `count` events' parameters (eventParams) in as few INSERTs as MAX_EVENTS_PER_INSERT allows: usually one. */
  private insertEvents(count: number, params: EventParams): void {
    if (count <= MAX_EVENTS_PER_INSERT) {
      if (count > 0) this.statements.insertEvents(count).run(params);
      return;
    }
    for (let start = 0; start < count; start += MAX_EVENTS_PER_INSERT) {
      const size = Math.min(MAX_EVENTS_PER_INSERT, count - start);
      const chunk = params.slice(start * EVENT_PARAMS, (start + size) * EVENT_PARAMS);
      this.statements.insertEvents(size).run(chunk);
    }
  }

  private applyRestore(commit: Commit<unknown> & { keepThroughSeq: number }): StoredEvent[] {
    const { runId, keepThroughSeq } = commit;
    const row = this.statements.head.get(runId);
    if (!row) throw new Error(`cannot restore run ${runId}: it does not exist`);
    if (row.lastSeq !== commit.expectedSeq) throw staleSeq(runId, commit.expectedSeq, row.lastSeq);
    if (!Number.isInteger(keepThroughSeq) || keepThroughSeq < 0 || keepThroughSeq > row.lastSeq) {
      throw new RangeError(
        `cannot restore run ${runId} to event ${keepThroughSeq}: it has 1..${row.lastSeq}`,
      );
    }
    const keptHash = keepThroughSeq === 0 ? "" : this.statements.eventHash.get(runId, keepThroughSeq);
    if (keptHash === undefined) {
      throw new Error(`cannot restore run ${runId} to event ${keepThroughSeq}: that event is missing`);
    }
    const head = { seq: keepThroughSeq, hash: keptHash };
    const chained = chainEvents(runId, head, commit.at, commit.events);
    const next = headAfter(head, chained);
    this.statements.deleteEventsAfter.run(runId, keepThroughSeq);
    this.statements.advanceRun.run(
      commit.status,
      commit.wakeAt,
      next.seq,
      next.hash,
      commit.at,
      ...leaseColumns(commit),
      runId,
      row.lastSeq,
      row.lastHash,
      null,
      null,
      commit.at,
    );
    this.statements.writeSnapshot.run(runId, next.seq, toStoredJson(commit.snapshot));
    this.insertEvents(chained.length, eventParams(chained));
    return chained.map((entry) => entry.stored);
  }

  /** Finished runs leave the cache: they are rarely written again. */
  private remember(
    commit: Commit<unknown>,
    head: { seq: number; hash: string },
    checkpoint: CheckpointStats | undefined,
  ): void {
    if (isTerminalStatus(commit.status)) this.heads.forget(commit.runId);
    else {
      const { seq, hash } = head;
      this.heads.set(commit.runId, { seq, hash, status: commit.status, wakeAt: commit.wakeAt, checkpoint });
    }
  }

  /** Writes out waiting commits first (reads see them), then turns SQLite's damage reports into named errors. */
  private guard<T>(work: () => T): T {
    this.flush();
    try {
      return work();
    } catch (error) {
      throw this.named(error);
    }
  }

  /** SQLite's damage and refusal reports as named errors (errors.ts); other errors as they are. */
  private named(error: unknown): unknown {
    return namedSqliteError(this.path, error);
  }
}

interface PendingCommit {
  commit: Commit<unknown>;
  resolve: (events: StoredEvent[]) => void;
  reject: (error: unknown) => void;
}

/** A commit ready for SQL: its chain head, chained events, their INSERT parameters, the snapshot's JSON. */
interface PreparedCommit {
  commit: Commit<unknown>;
  head: RowHead;
  chained: ChainedEvent[];
  rows: EventParams;
  /** The snapshot's JSON when this commit rewrites it; null when the row keeps the one it has. */
  snapshot: string | null;
  /** What the row holds after it: the head cache's stats for the next commit. */
  checkpoint: CheckpointStats | undefined;
}

/** The columns per events row in an INSERT's parameters. */
const EVENT_PARAMS = 7;

/** The events' INSERT parameters, row after row, serialised (once, for the hash too) before the transaction. */
function eventParams(chained: readonly ChainedEvent[]): EventParams {
  // Sized once: pushing 7 values per event grew (and copied) the array several times per commit.
  const params: EventParams = new Array(chained.length * EVENT_PARAMS);
  let at = 0;
  for (const { stored, json } of chained) {
    params[at++] = stored.runId;
    params[at++] = stored.seq;
    params[at++] = stored.event.type;
    params[at++] = stored.at;
    params[at++] = json;
    params[at++] = stored.prevHash;
    params[at++] = stored.hash;
  }
  return params;
}

/** The WHERE of advanceRun: the run, the head it expects, and the lease check (LEASE_FREE). */
function checkOf(commit: Commit<unknown>, head: RowHead, owner: string | null) {
  return [commit.runId, head.seq, head.hash, owner, owner, commit.at] as const;
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
