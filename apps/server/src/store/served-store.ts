import { isPostgresLocation, openRunStore, openSqliteStore, type RunStore } from "@sagaflow/engine";
import { cacheDefinitionReads } from "./definition-read-cache";
import { syncWalOffThread } from "./wal-sync";

/**
 * The store `sagaflow serve` runs on. PostgreSQL announces each commit to the other instances. SQLite is
 * opened at `synchronous=NORMAL` with its WAL synced off the event loop before any write is acknowledged
 * (wal-sync.ts): as durable as FULL, without the fsync blocking every request behind it. Only this process
 * writes a SQLite file, so its definition reads are kept in memory (definition-read-cache.ts).
 */
export function openServedStore(location: string): RunStore {
  if (isPostgresLocation(location)) return openRunStore(location, { postgres: { notifyCommits: true } });
  return cacheDefinitionReads(
    syncWalOffThread(openSqliteStore(location, { synchronous: "NORMAL" }), location).store,
  );
}
