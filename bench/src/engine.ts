/**
 * The engine parts the benchmarks drive. @sagaflow/engine has no index yet, so they are taken from its
 * sources here, in one place: when the package exports them, only this file changes.
 */
export { builtinActions } from "../../packages/engine/src/actions/builtin";
export { foldHistory } from "../../packages/engine/src/core/fold";
export { verifyChain } from "../../packages/engine/src/history/hash";
export { Engine, wakeAtOf } from "../../packages/engine/src/runtime/engine";
export { verifyHistory } from "../../packages/engine/src/runtime/verify";
export { MemoryRunStore } from "../../packages/engine/src/store/memory-store";
export { openSqliteStore, type SqliteRunStore } from "../../packages/engine/src/store/sqlite";
export type { Commit, RunStore, StoredEvent } from "../../packages/engine/src/store/types";
