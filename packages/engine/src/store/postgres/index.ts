export type { CommitListener, CommitNotice } from "./commit-listener";
export { PG_MIGRATIONS_FOLDER, type PostgresOptions } from "./connection";
export type { MessageListener } from "./message-channel";
export { openPostgresStore, PostgresRunStore, redactUrl } from "./postgres-run-store";
