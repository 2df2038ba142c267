import { connectPostgres } from "./connection";
import { PostgresRunStore } from "./postgres-run-store";
import { testPostgres, uniqueName } from "./test-postgres";

/**
 * A PostgresRunStore on the test server (test-postgres.ts) in a fresh schema of its own, returned at once:
 * the server starts (once per process) and the schema is made in the background, so callers that open
 * stores synchronously (the engine tests' openStore) can have Postgres too. Pass another store's `schema`
 * to open a second "process" on the same data.
 */
export function openTestPostgresStore(schema = uniqueName("sagaflow")): PostgresRunStore {
  const pool = testPostgres().then((server) =>
    connectPostgres(server.url("postgres"), { schema, poolSize: 4 }),
  );
  return new PostgresRunStore(`test schema ${schema}`, pool, { schema });
}
