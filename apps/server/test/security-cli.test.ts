import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatch } from "../src/cli/dispatch";

/**
 * The command line under the same policies as the server, in this process with real files: the run
 * database is out of reach of actions although the working directory is a root, and the --http-* flags
 * bind http.request.
 */

const cwd = mkdtempSync(path.join(tmpdir(), "sagaflow-security-cli-"));
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  upstream = createServer((_request, response) => response.end("x".repeat(4096)));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  rmSync(cwd, { recursive: true, force: true });
});

async function sagaflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await dispatch(argv, { out: (line) => out.push(line), err: (line) => err.push(line), cwd });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

function oneTask(name: string, action: string, params: Record<string, unknown>): string {
  const file = path.join(cwd, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      startAt: "attack",
      states: { attack: { type: "task", action, params, effect: "none", end: true } },
    }),
  );
  return file;
}

describe("sagaflow run under the security policies", { timeout: 60_000 }, () => {
  it("refuses file.delete of its own --db (and -wal) inside the working directory", async () => {
    for (const target of ["runs.db", "runs.db-wal"]) {
      const definition = oneTask("delete-own", "file.delete", { path: target });
      const result = await sagaflow("run", definition, "--db", "runs.db", "--json");
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({
        error: { error: "ForbiddenPath", message: expect.stringContaining("engine's own database") },
      });
      expect(existsSync(path.join(cwd, "runs.db"))).toBe(true);
    }
  });

  it("--http-deny and --http-max-response bind http.request", async () => {
    const definition = oneTask("fetch", "http.request", { url: upstreamUrl, method: "GET" });
    const denied = await sagaflow(
      "run",
      definition,
      "--db",
      "http.db",
      "--json",
      "--http-deny",
      "127.0.0.0/8",
    );
    expect(JSON.parse(denied.stdout)).toMatchObject({ error: { error: "ForbiddenUrl" } });
    const capped = await sagaflow(
      "run",
      definition,
      "--db",
      "http.db",
      "--json",
      "--http-max-response",
      "1KiB",
    );
    expect(JSON.parse(capped.stdout)).toMatchObject({
      error: { error: "ResponseTooLarge", message: expect.stringContaining("1024 bytes limit") },
    });
    const allowed = await sagaflow("run", definition, "--db", "http.db", "--json");
    expect(allowed.code).toBe(0);
  });

  it("refuses a bad --http-deny entry as bad usage (64)", async () => {
    const definition = oneTask("fetch2", "http.request", { url: upstreamUrl, method: "GET" });
    const result = await sagaflow("run", definition, "--http-deny", "10.0.0.0/99");
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--http-deny: "10.0.0.0/99" is not a CIDR range');
  });
});
