/** The engine parts the benchmarks drive, from the package's public surface, in one place. */
export {
  builtinActions,
  type Commit,
  createInProcessExecutor,
  createIsolateEvaluator,
  createJsonataEvaluator,
  createPoolExecutor,
  Engine,
  foldHistory,
  MemoryRunStore,
  openSqliteStore,
  type RunStore,
  type SqliteRunStore,
  type StoredEvent,
  verifyChain,
  verifyHistory,
  wakeAtOf,
} from "@sagaflow/engine";
