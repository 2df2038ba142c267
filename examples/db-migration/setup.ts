/**
 * Creates the demo database of the db-migration example: organizations and their users, linked by a
 * foreign key. Run from the repository root: `pnpm tsx examples/db-migration/setup.ts [file]`
 * (default examples/db-migration/demo.db). An existing file is replaced.
 */
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// better-sqlite3 is a dependency of the engine package, not of the repository root.
const requireFromEngine = createRequire(new URL("../../packages/engine/package.json", import.meta.url));
const Database = requireFromEngine("better-sqlite3") as new (
  file: string,
) => { exec(sql: string): unknown; close(): unknown };

export const DEFAULT_DEMO_DATABASE = "examples/db-migration/demo.db";

export const DEMO_SCHEMA = `
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  plan TEXT NOT NULL DEFAULT 'free'
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);
INSERT INTO organizations (id, name, plan) VALUES
  (1, 'Acme', 'pro'),
  (2, 'Globex', 'free'),
  (3, 'Initech', 'trial');
INSERT INTO users (id, organization_id, email, name) VALUES
  (1, 1, 'ada@acme.test', 'Ada'),
  (2, 1, 'grace@acme.test', 'Grace'),
  (3, 2, 'hank@globex.test', 'Hank'),
  (4, 3, 'peter@initech.test', 'Peter'),
  (5, 3, 'milton@initech.test', 'Milton');
`;

/** (Re)creates the demo database at `file`, with its journal files and nothing else. */
export function createDemoDatabase(file: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
  const db = new Database(file);
  try {
    db.exec(DEMO_SCHEMA);
  } finally {
    db.close();
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const file = process.argv[2] ?? DEFAULT_DEMO_DATABASE;
  createDemoDatabase(file);
  console.log(`Created ${file}: 3 organizations, 5 users.`);
  console.log(
    "Next: pnpm sagaflow run examples/db-migration.json --input-file examples/db-migration/good-migration.json",
  );
}
