export { MIGRATIONS_FOLDER, type SqliteOptions } from "./connection";
export {
  DEFAULT_RUN_PAGE_SIZE,
  MAX_RUN_PAGE_SIZE,
  openSqliteStore,
  SqliteRunStore,
} from "./sqlite-run-store";
export { type CorruptJson, isCorruptJson } from "./stored-json";
