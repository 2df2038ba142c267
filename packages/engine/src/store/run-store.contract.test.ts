import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRunStore } from "../testing/run-store-contract";
import { MemoryRunStore } from "./memory-store";
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
