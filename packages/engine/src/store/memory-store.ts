import { type Definition, isTerminalStatus } from "@sagaflow/shared";
import { ConcurrentModificationError, LeaseHeldError } from "../errors";
import { chainEvents } from "./chain";
import { type CheckpointStats, eventBytes, foldTail, statsAfter, writesSnapshot } from "./checkpoint";
import type {
  Commit,
  DefinitionSummary,
  RunFilter,
  RunPage,
  RunRecord,
  RunStore,
  StoredDefinition,
  StoredEvent,
} from "./types";

/**
 * A RunStore in memory, with the same contract as the SQLite store (hash chain, optimistic commits,
 * leases). For tests and throwaway runs. Values are copied in and out so callers never share state.
 */
export class MemoryRunStore implements RunStore {
  private readonly definitions = new Map<string, StoredDefinition[]>();
  private readonly runs = new Map<string, RunRecord>();
  /**
   * Per run, when its record's snapshot is older than its last event: the seq it is the fold of, and the
   * stats that say when to copy a new one in (checkpoint.ts; the same policy as the other stores).
   */
  private readonly checkpoints = new Map<string, { seq: number; stats: CheckpointStats | undefined }>();
  private readonly histories = new Map<string, StoredEvent[]>();
  private readonly leases = new Map<string, { owner: string; until: string }>();
  private closed = false;

  async saveDefinition(definition: Definition, at: string): Promise<StoredDefinition> {
    this.assertOpen();
    const versions = this.definitions.get(definition.name) ?? [];
    const stored: StoredDefinition = {
      name: definition.name,
      version: versions.length + 1,
      definition: structuredClone(definition),
      createdAt: at,
      archived: versions[0]?.archived ?? false,
    };
    versions.push(stored);
    this.definitions.set(definition.name, versions);
    return structuredClone(stored);
  }

  async getDefinition(name: string, version?: number): Promise<StoredDefinition | undefined> {
    const versions = this.definitions.get(name) ?? [];
    const found = version === undefined ? versions[versions.length - 1] : versions[version - 1];
    return found ? structuredClone(found) : undefined;
  }

  async listDefinitions(options: { includeArchived?: boolean } = {}): Promise<DefinitionSummary[]> {
    const summaries: DefinitionSummary[] = [];
    for (const versions of this.definitions.values()) {
      const latest = versions[versions.length - 1];
      if (!latest || (latest.archived && !options.includeArchived)) continue;
      summaries.push({
        name: latest.name,
        ...(latest.definition.title === undefined ? {} : { title: latest.definition.title }),
        ...(latest.definition.description === undefined
          ? {}
          : { description: latest.definition.description }),
        latestVersion: latest.version,
        updatedAt: latest.createdAt,
        archived: latest.archived,
      });
    }
    return summaries.sort((a, b) => a.name.localeCompare(b.name));
  }

  async listDefinitionVersions(name: string): Promise<StoredDefinition[]> {
    return structuredClone([...(this.definitions.get(name) ?? [])].reverse());
  }

  async archiveDefinition(name: string, archived: boolean): Promise<void> {
    for (const version of this.definitions.get(name) ?? []) version.archived = archived;
  }

  async commit<S>(commit: Commit<S>): Promise<StoredEvent[]> {
    this.assertOpen();
    const existing = this.runs.get(commit.runId);
    const lastSeq = existing?.lastSeq ?? 0;
    if (lastSeq !== commit.expectedSeq) {
      throw new ConcurrentModificationError(
        `Run ${commit.runId} is at event ${lastSeq}, the commit expected ${commit.expectedSeq}`,
      );
    }
    if (!existing && !commit.create) throw new Error(`Run ${commit.runId} does not exist`);
    this.applyLease(commit);
    const history = this.histories.get(commit.runId) ?? [];
    const chained = chainEvents(
      commit.runId,
      { seq: lastSeq, hash: existing?.lastHash ?? "" },
      commit.at,
      structuredClone(commit.events),
    );
    const appended = chained.map((entry) => entry.stored);
    const last = appended[appended.length - 1];
    const checkpoint = this.checkpoints.get(commit.runId);
    const bytes = eventBytes(chained);
    const json = writesSnapshot(commit, checkpoint?.stats, bytes) ? JSON.stringify(commit.snapshot) : null;
    const record: RunRecord = {
      id: commit.runId,
      workflow: existing?.workflow ?? commit.create?.workflow ?? "",
      version: commit.version ?? existing?.version ?? commit.create?.version ?? 0,
      status: commit.status,
      createdAt: existing?.createdAt ?? commit.at,
      updatedAt: commit.at,
      lastSeq: last?.seq ?? lastSeq,
      lastHash: last?.hash ?? existing?.lastHash ?? "",
      snapshot: json === null ? existing?.snapshot : (JSON.parse(json) as unknown),
      wakeAt: commit.wakeAt,
    };
    this.checkpoints.set(commit.runId, {
      seq: json === null ? (checkpoint?.seq ?? lastSeq) : record.lastSeq,
      stats: statsAfter(checkpoint?.stats, bytes, json?.length),
    });
    history.push(...appended);
    this.histories.set(commit.runId, history);
    this.runs.set(commit.runId, record);
    return structuredClone(appended);
  }

  async restore<S>(commit: Commit<S> & { keepThroughSeq: number }): Promise<StoredEvent[]> {
    this.assertOpen();
    const existing = this.runs.get(commit.runId);
    if (!existing) throw new Error(`Run ${commit.runId} does not exist`);
    if (existing.lastSeq !== commit.expectedSeq) {
      throw new ConcurrentModificationError(`Run ${commit.runId} moved on to event ${existing.lastSeq}`);
    }
    const kept = (this.histories.get(commit.runId) ?? []).filter(
      (stored) => stored.seq <= commit.keepThroughSeq,
    );
    const head = kept[kept.length - 1];
    const appended = this.chain(commit.runId, head?.hash ?? "", head?.seq ?? 0, commit);
    const last = appended[appended.length - 1] ?? head;
    this.histories.set(commit.runId, [...kept, ...appended]);
    this.checkpoints.delete(commit.runId);
    this.runs.set(commit.runId, {
      ...existing,
      status: commit.status,
      updatedAt: commit.at,
      lastSeq: last?.seq ?? 0,
      lastHash: last?.hash ?? "",
      snapshot: structuredClone(commit.snapshot),
      wakeAt: commit.wakeAt,
    });
    return structuredClone(appended);
  }

  private chain(runId: string, prevHash: string, lastSeq: number, commit: Commit<unknown>): StoredEvent[] {
    const head = { seq: lastSeq, hash: prevHash };
    return chainEvents(runId, head, commit.at, structuredClone(commit.events)).map((entry) => entry.stored);
  }

  /** The lease check and write that ride in a commit (see Commit.lease). */
  private applyLease(commit: Commit<unknown>): void {
    if (!commit.lease) return;
    const held = this.leases.get(commit.runId);
    if (held && held.owner !== commit.lease.owner && held.until > commit.at) {
      throw new LeaseHeldError(commit.runId);
    }
    const until = isTerminalStatus(commit.status) ? commit.at : commit.lease.until;
    this.leases.set(commit.runId, { owner: commit.lease.owner, until });
  }

  async getRun<S>(runId: string): Promise<RunRecord<S> | undefined> {
    const run = this.runs.get(runId);
    return run ? this.current<S>(run) : undefined;
  }

  /** A copy of a record, its snapshot brought up to its last event (the events after it folded on). */
  private current<S>(run: RunRecord): RunRecord<S> {
    const copy = structuredClone(run) as RunRecord<S>;
    const seq = this.checkpoints.get(run.id)?.seq ?? run.lastSeq;
    if (seq >= run.lastSeq) return copy;
    const tail = (this.histories.get(run.id) ?? []).filter(
      (stored) => stored.seq > seq && stored.seq <= run.lastSeq,
    );
    return { ...copy, snapshot: foldTail(copy.snapshot, structuredClone(tail)) };
  }

  async getHistory(
    runId: string,
    options: { afterSeq?: number; limit?: number } = {},
  ): Promise<StoredEvent[]> {
    const after = options.afterSeq ?? 0;
    const events = (this.histories.get(runId) ?? []).filter((stored) => stored.seq > after);
    return structuredClone(options.limit === undefined ? events : events.slice(0, options.limit));
  }

  async listRuns<S>(filter: RunFilter = {}): Promise<RunPage<S>> {
    const { idPrefix, startedAfter, startedBefore } = filter;
    const ordered = [...this.runs.values()]
      .filter((run) => !filter.status || filter.status.includes(run.status))
      .filter((run) => !filter.workflow || run.workflow === filter.workflow)
      .filter((run) => !idPrefix || run.id.startsWith(idPrefix))
      .filter((run) => !startedAfter || run.createdAt >= startedAfter)
      .filter((run) => !startedBefore || run.createdAt < startedBefore)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    const start = filter.cursor ? ordered.findIndex((run) => run.id === filter.cursor) + 1 : 0;
    const limit = filter.limit ?? 50;
    const page = ordered.slice(start, start + limit);
    const more = start + limit < ordered.length;
    return {
      runs: page.map((run) => this.current<S>(run)),
      nextCursor: more ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  async listUnfinishedRunIds(): Promise<string[]> {
    return [...this.runs.values()].filter((run) => !isTerminalStatus(run.status)).map((run) => run.id);
  }

  async claimRun(
    runId: string,
    owner: string,
    leaseUntil: string,
    now = new Date().toISOString(),
  ): Promise<boolean> {
    if (!this.runs.has(runId)) return false;
    const lease = this.leases.get(runId);
    // Leases compare by the claimant's clock: a lease still held by another owner refuses the claim.
    if (lease && lease.owner !== owner && lease.until > now) return false;
    this.leases.set(runId, { owner, until: leaseUntil });
    return true;
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    if (this.leases.get(runId)?.owner === owner) this.leases.delete(runId);
  }

  async renewLeases(owner: string, leaseUntil: string): Promise<void> {
    for (const [runId, lease] of this.leases) {
      const run = this.runs.get(runId);
      if (lease.owner === owner && run && !isTerminalStatus(run.status)) lease.until = leaseUntil;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Test hook: the stored history itself, to damage behind the store's back. */
  rawHistory(runId: string): StoredEvent[] {
    return this.histories.get(runId) ?? [];
  }

  /** Test hook: the stored run row itself. */
  rawRun(runId: string): RunRecord | undefined {
    const run = this.runs.get(runId);
    if (!run || !this.checkpoints.has(runId)) return run;
    // Its snapshot brought up to its last event first, so what a test damages is what a reader gets.
    const current = this.current(run);
    this.runs.set(runId, current);
    this.checkpoints.delete(runId);
    return current;
  }

  /** A copy of everything, to open a second store on "the same data" (a restarted process). */
  clone(): MemoryRunStore {
    const copy = new MemoryRunStore();
    for (const [name, versions] of this.definitions) copy.definitions.set(name, structuredClone(versions));
    for (const [id, run] of this.runs) copy.runs.set(id, structuredClone(run));
    for (const [id, history] of this.histories) copy.histories.set(id, structuredClone(history));
    for (const [id, checkpoint] of this.checkpoints) copy.checkpoints.set(id, { ...checkpoint });
    return copy;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("The store is closed");
  }
}
