import type { Definition, RunStatus } from "@sagaflow/shared";

/**
 * The storage boundary of the engine. The interpreter only talks to this interface, so a
 * PostgreSQL store with several worker processes can replace SQLite without touching it:
 * every method is async, every commit is optimistic (expectedSeq), and runs are claimed with leases.
 *
 * Events and snapshots are opaque JSON to the store, except `event.type` (indexed) and the hash chain.
 */

/** An event as the engine hands it to the store; `type` is the event's kind, the rest its payload. */
export interface EventRecord {
  type: string;
  [field: string]: unknown;
}

/** An event as stored: numbered from 1 per run, hash-chained to the one before it. */
export interface StoredEvent<E extends EventRecord = EventRecord> {
  runId: string;
  seq: number;
  /** ISO-8601 time of the commit (from the engine's clock). */
  at: string;
  event: E;
  /** Hash of the previous event ("" for seq 1). */
  prevHash: string;
  hash: string;
}

export interface RunRecord<S = unknown> {
  id: string;
  workflow: string;
  version: number;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  /** Seq of the last event: the run's checkpoint number. */
  lastSeq: number;
  /** Hash of the last event, the head of the chain. */
  lastHash: string;
  /** The checkpoint: always equal to the fold of the history. */
  snapshot: S;
  /** When the run next needs the engine (a timer, a retry, a deadline); null if never by itself. */
  wakeAt: string | null;
}

/** One atomic step of a run: its new events and its new checkpoint, in one transaction. */
export interface Commit<S = unknown> {
  runId: string;
  /** The lastSeq the writer saw; 0 creates the run. A mismatch throws ConcurrentModificationError. */
  expectedSeq: number;
  /** Needed when expectedSeq is 0. */
  create?: { workflow: string; version: number };
  at: string;
  events: EventRecord[];
  snapshot: S;
  status: RunStatus;
  wakeAt: string | null;
  /**
   * The writer's lease, riding in the commit (no write of its own): a new run is created claimed, a commit
   * renews it, a terminal commit releases it. Refused with LeaseHeldError while another owner holds an
   * unexpired lease (compared at `at`). Without it the lease is left as it is.
   */
  lease?: { owner: string; until: string };
  /**
   * A move to another version of the workflow (RunMovedToVersion): the run's new pinned version, written
   * in the same transaction as the event, so the row never disagrees with the history.
   */
  version?: number;
}

export interface StoredDefinition {
  name: string;
  version: number;
  definition: Definition;
  createdAt: string;
  archived: boolean;
}

export interface DefinitionSummary {
  name: string;
  title?: string;
  description?: string;
  latestVersion: number;
  updatedAt: string;
  archived: boolean;
}

export interface RunFilter {
  status?: RunStatus[];
  workflow?: string;
  /** Runs whose id starts with this (a whole id finds that one run). */
  idPrefix?: string;
  /** Runs started at or after this time (ISO-8601). */
  startedAfter?: string;
  /** Runs started before this time (ISO-8601), exclusive. */
  startedBefore?: string;
  /** Opaque cursor returned by the previous page. */
  cursor?: string;
  limit?: number;
}

export interface RunPage<S = unknown> {
  runs: RunRecord<S>[];
  nextCursor: string | null;
}

export interface RunStore {
  // Definitions: every save is a new immutable version, numbered from 1 per name.
  saveDefinition(definition: Definition, at: string): Promise<StoredDefinition>;
  getDefinition(name: string, version?: number): Promise<StoredDefinition | undefined>;
  listDefinitions(options?: { includeArchived?: boolean }): Promise<DefinitionSummary[]>;
  listDefinitionVersions(name: string): Promise<StoredDefinition[]>;
  archiveDefinition(name: string, archived: boolean): Promise<void>;

  // Runs.
  commit<S>(commit: Commit<S>): Promise<StoredEvent[]>;
  getRun<S>(runId: string): Promise<RunRecord<S> | undefined>;
  /** Events with seq > afterSeq, in order. */
  getHistory(runId: string, options?: { afterSeq?: number; limit?: number }): Promise<StoredEvent[]>;
  listRuns<S>(filter?: RunFilter): Promise<RunPage<S>>;
  /** Ids of runs whose status is not terminal (running, waiting, compensating). */
  listUnfinishedRunIds(): Promise<string[]>;
  /**
   * Operator repair of a corrupt history: drops every event after keepThroughSeq, then appends
   * `events` and writes the snapshot, in one transaction. `expectedSeq` is the run's current lastSeq (the
   * damaged head as read), not keepThroughSeq; the new events are chained from event keepThroughSeq's hash.
   */
  restore<S>(commit: Commit<S> & { keepThroughSeq: number }): Promise<StoredEvent[]>;

  // Leases: a worker owns a run while it drives it. SQLite has one process, PostgreSQL many.
  /**
   * Succeeds if the run is free, its lease expired (lease_until <= now), or `owner` already holds it.
   * `now` is the engine's clock (ISO-8601); the store's own clock when omitted.
   */
  claimRun(runId: string, owner: string, leaseUntil: string, now?: string): Promise<boolean>;
  releaseRun(runId: string, owner: string): Promise<void>;
  /** Extends every lease `owner` holds on an unfinished run: a worker's heartbeat for its idle runs. */
  renewLeases(owner: string, leaseUntil: string): Promise<void>;

  close(): Promise<void>;
}
