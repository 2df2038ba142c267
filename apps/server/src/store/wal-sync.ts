import { closeSync, fdatasync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { RunStore } from "@sagaflow/engine";
import { wrapMethods } from "./wrap-methods";

/**
 * Durability without blocking the event loop. At `synchronous=FULL` SQLite fsyncs its write-ahead log
 * inside every commit, on the thread that serves requests: while the disk syncs, no request is read and
 * no response written. The server instead opens SQLite at `synchronous=NORMAL` (a commit writes its WAL
 * frames without syncing them) and syncs the `-wal` file itself in libuv's thread pool (`fdatasync`),
 * resolving a write's promise only once a sync that began after its transaction has finished. That is
 * the same durability as FULL: no caller hears "done" before the frames holding its commit are on disk.
 * Checkpoints need nothing more: at NORMAL SQLite syncs the WAL before a checkpoint and the database file
 * after it. Meanwhile the loop keeps taking requests, and everything written during one sync shares the
 * next one (group commit, across requests, for free).
 *
 * Reads hold their answer back too, while a write they might see is not yet on disk: at FULL a reader
 * could never see a commit before its fsync, and no client should see a run that a power cut would take
 * back. Definitions and runs are tracked apart, so `runs.start`'s definition read never waits on the sync
 * of other runs' commits.
 */

/** Syncs a file's data to disk; Node's `fdatasync` unless a test controls the timing. */
export type DataSync = (fd: number, done: (error: Error | null) => void) => void;

export interface WalSyncOptions {
  /** Default: `<dbPath>-wal`. */
  walPath?: string;
  datasync?: DataSync;
  /** Default MAX_IN_FLIGHT. */
  maxInFlight?: number;
}

export interface WalSyncedStore {
  store: RunStore;
  /** How many syncs ran (tests, and the notes of a bench). */
  syncs(): number;
}

interface Waiting {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Syncs of the WAL running at once: libuv's pool has 4 threads, and files, DNS and zlib need some too. */
const MAX_IN_FLIGHT = 2;

const DEFINITION_WRITES = new Set<PropertyKey>(["saveDefinition", "archiveDefinition"]);
const DEFINITION_READS = new Set<PropertyKey>(["getDefinition", "listDefinitions", "listDefinitionVersions"]);
const RUN_WRITES = new Set<PropertyKey>(["commit", "restore", "claimRun", "releaseRun", "renewLeases"]);

/** Wraps a SQLite store opened at `synchronous=NORMAL` (see above); `dbPath` is its file. */
export function syncWalOffThread(
  store: RunStore,
  dbPath: string,
  options: WalSyncOptions = {},
): WalSyncedStore {
  const syncer = new WalSyncer(
    options.walPath ?? `${dbPath}-wal`,
    options.datasync ?? fdatasync,
    options.maxInFlight ?? MAX_IN_FLIGHT,
  );
  // Writes whose sync has not finished yet, per family: a read of that family waits for the next sync.
  const undurable = { definitions: 0, runs: 0 };
  type Family = keyof typeof undurable;

  const durableWrite = async (family: Family, write: () => Promise<unknown>): Promise<unknown> => {
    undurable[family] += 1;
    try {
      const result = await write();
      await syncer.sync();
      return result;
    } finally {
      undurable[family] -= 1;
    }
  };
  const durableRead = async (family: Family, read: () => Promise<unknown>): Promise<unknown> => {
    const result = await read();
    // Anything this read may have seen was written before now: the next sync covers it.
    if (undurable[family] > 0) await syncer.sync();
    return result;
  };

  const wrapped = wrapMethods(store, (method, property) => {
    const call = (args: unknown[]) => () => method.apply(store, args) as Promise<unknown>;
    if (property === "close") return () => syncer.close(() => method.apply(store, []) as Promise<unknown>);
    if (DEFINITION_WRITES.has(property))
      return (...args: unknown[]) => durableWrite("definitions", call(args));
    if (RUN_WRITES.has(property)) return (...args: unknown[]) => durableWrite("runs", call(args));
    if (DEFINITION_READS.has(property)) return (...args: unknown[]) => durableRead("definitions", call(args));
    return (...args: unknown[]) => durableRead("runs", call(args));
  });
  return { store: wrapped, syncs: () => syncer.count };
}

/**
 * A caller gets a sync that begins after its call. Callers that arrive while MAX_IN_FLIGHT syncs run
 * share the next one, which begins when a running one ends; below that it begins at once, so a commit
 * waits for one sync of its own, not for the rest of a sync that began before it was written (the kernel
 * joins overlapping syncs of one file into one journal commit when it can). After a failed sync nothing
 * is known to be on disk any more (the kernel may have dropped the dirty pages), so every later write,
 * and every sync still running, fails too.
 */
class WalSyncer {
  count = 0;
  private fd: number | undefined;
  private readonly running = new Set<Promise<void>>();
  private next: Waiting | undefined;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly walPath: string,
    private readonly datasync: DataSync,
    private readonly maxInFlight: number,
  ) {}

  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    // Commits the store's close writes out: its checkpoint puts them in the database file, synced.
    if (this.closing) return this.closing;
    if (this.next) return this.next.promise;
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.next = { promise, resolve, reject };
    // After the promise jobs queued now: the other commits of the same transaction join this sync.
    if (this.running.size < this.maxInFlight) process.nextTick(() => this.begin());
    return promise;
  }

  /**
   * Lets the running syncs finish (the fd stays open until then), closes the file, then the store: SQLite's
   * close checkpoints the WAL into the database file and syncs it (NORMAL syncs checkpoints), so what it
   * writes out then is durable once it returns.
   */
  close(closeStore: () => Promise<unknown>): Promise<void> {
    const queued = this.next?.promise;
    const running = [...this.running];
    this.closing ??= (async () => {
      await Promise.allSettled([...running, ...(queued ? [queued] : [])]);
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      await closeStore();
    })();
    return this.closing;
  }

  private begin(): void {
    const waiting = this.next;
    if (!waiting || this.running.size >= this.maxInFlight) return;
    this.next = undefined;
    this.count += 1;
    let fd: number;
    try {
      fd = this.open();
    } catch (error) {
      this.fail(error, waiting);
      return;
    }
    const done = waiting.promise.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(done);
    this.datasync(fd, (error) => {
      this.running.delete(done);
      if (error) this.fail(error, waiting);
      else if (this.failure) waiting.reject(this.failure);
      else waiting.resolve();
      this.begin();
    });
  }

  /** Opened at the first write: SQLite has made the file by then. Its folder is synced once, so its name is durable too. */
  private open(): number {
    if (this.fd === undefined) {
      this.fd = openSync(this.walPath, "r");
      const folder = openSync(dirname(this.walPath), "r");
      try {
        fsyncSync(folder);
      } finally {
        closeSync(folder);
      }
    }
    return this.fd;
  }

  private fail(error: unknown, waiting: Waiting): void {
    this.failure = new Error(`Could not sync the database's write-ahead log ${this.walPath} to disk`, {
      cause: error,
    });
    waiting.reject(this.failure);
    this.next?.reject(this.failure);
    this.next = undefined;
  }
}
