import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { describeRunStore } from "../testing/run-store-contract";
import { MemoryRunStore } from "./memory-store";
import { stopTestPostgres } from "./postgres/test-postgres";
import { openTestPostgresStore } from "./postgres/test-store";
import { openSqliteStore } from "./sqlite/sqlite-run-store";

describeRunStore("memory", async () => {
  const store = new MemoryRunStore();
  return { store, cleanup: () => store.close() };
});

describeRunStore("sqlite file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sagaflow-contract-"));
  const store = openSqliteStore(join(dir, "runs.db"));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// Real PostgreSQL (embedded, or DATABASE_URL): one server for the file, a fresh schema per test.
describeRunStore("postgres", async () => {
  const store = openTestPostgresStore();
  await store.connected();
  return { store, cleanup: () => store.close() };
});

afterAll(stopTestPostgres, 30_000);
