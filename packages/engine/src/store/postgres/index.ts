export { PG_MIGRATIONS_FOLDER, type PostgresOptions } from "./connection";
export { openPostgresStore, PostgresRunStore, redactUrl } from "./postgres-run-store";
