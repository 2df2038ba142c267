import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";

/**
 * One `serve` per SQLite file. Two processes on one file would each drive the runs as the lease owner
 * "local": neither could tell the other's runs from its own, and a run of a killed one would wait for its
 * restart. So the first takes `<db>.lock` (its pid, host and start time, created exclusively, as
 * PostgreSQL's postmaster.pid) and a second is refused with a clear message. A lock left by a process that
 * died (its pid no longer runs on this host) is taken over. Several processes on one database: PostgreSQL.
 */

/** A lock file without its contents yet, younger than this, belongs to a process that is starting. */
const FRESH_MS = 5000;

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export class DatabaseInUseError extends Error {
  override name = "DatabaseInUseError";
}

export interface FileLock {
  release(): void;
}

export function lockSqliteFile(dbPath: string): FileLock {
  const lockPath = `${dbPath}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let tries = 0; tries < 3; tries += 1) {
    try {
      const fd = openSync(lockPath, "wx", 0o644);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return { release: () => releaseIfMine(lockPath, me) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readOwner(lockPath);
    if (holder && isAlive(holder)) {
      throw new DatabaseInUseError(
        `${dbPath} is in use by another sagaflow process (pid ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
          "One process per SQLite file: stop that one, or run several on PostgreSQL (--db postgres://…, docs/deploy.md). " +
          `If no such process runs, delete ${lockPath}.`,
      );
    }
    // The holder died without releasing: move its lock aside (atomic, so one of two racers wins) and retry.
    try {
      renameSync(lockPath, `${lockPath}.stale-${process.pid}`);
      rmSync(`${lockPath}.stale-${process.pid}`, { force: true });
    } catch {
      // Someone else moved it first: try again.
    }
  }
  throw new DatabaseInUseError(`${dbPath}: could not take ${lockPath}; another process keeps taking it`);
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockPath, "utf8")) as Partial<LockOwner>;
    if (typeof owner.pid === "number" && typeof owner.host === "string") {
      return { pid: owner.pid, host: owner.host, since: String(owner.since) };
    }
  } catch {
    // Empty or half-written: being written right now, or left by a process killed while writing it.
  }
  const age = Date.now() - (statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return age < FRESH_MS ? { pid: -1, host: "(starting)", since: "just now" } : undefined;
}

/** On this host, whether the pid runs (EPERM: it runs as someone else). Another host's lock is kept. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname() || owner.pid === -1) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfMine(lockPath: string, me: LockOwner): void {
  const holder = readOwner(lockPath);
  if (holder?.pid === me.pid && holder.since === me.since) rmSync(lockPath, { force: true });
}
