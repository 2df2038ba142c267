export type { CommitListener, CommitNotice } from "./commit-listener";
export { PG_MIGRATIONS_FOLDER, type PostgresOptions } from "./connection";
export { openPostgresStore, PostgresRunStore, redactUrl } from "./postgres-run-store";
