import type { SqliteRunStore } from "@sagaflow/engine";
import { rawSqlite } from "@sagaflow/engine/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/router/root";
import {
  approvalDefinition,
  type Client,
  collectRunEvents,
  helloDefinition,
  startTestServer,
  type TestServer,
} from "./helpers";

let t: TestServer;
let succeededRunId: string;

beforeAll(async () => {
  t = await startTestServer();
  await t.client.definitions.save.mutate({ definition: helloDefinition() });
  await t.client.definitions.save.mutate({ definition: approvalDefinition() });
  ({ runId: succeededRunId } = await t.client.runs.start.mutate({ name: "hello", input: { who: "ada" } }));
  await collectRunEvents(t.client, { runId: succeededRunId });
});
afterAll(() => t.stop());

/**
 * Every row of the database except lease bookkeeping (an operator call may claim a run before the engine
 * refuses it; a lease is not data).
 */
function dumpDatabase(): unknown {
  const sqlite = rawSqlite(t.server.services.store as SqliteRunStore);
  return {
    definitions: sqlite.prepare("SELECT * FROM definitions ORDER BY id").all(),
    runs: sqlite
      .prepare(
        "SELECT id, workflow, version, status, created_at, updated_at, last_seq, last_hash, (SELECT snapshot FROM snapshots WHERE run_id = runs.id) AS snapshot, wake_at FROM runs ORDER BY id",
      )
      .all(),
    events: sqlite.prepare("SELECT * FROM events ORDER BY run_id, seq").all(),
  };
}

type Call = (client: Client) => Promise<unknown>;

const definition = helloDefinition();
/** Saves `definition` with one of its states changed: the cases below differ only in what they break. */
const saveWithState = (c: Client, stateId: keyof typeof definition.states, change: Record<string, unknown>) =>
  c.definitions.save.mutate({
    definition: {
      ...definition,
      states: { ...definition.states, [stateId]: { ...definition.states[stateId], ...change } },
    },
  });
const badCalls: [string, string, Call][] = [
  [
    "save: a string instead of a definition",
    "BAD_REQUEST",
    (c) => c.definitions.save.mutate({ definition: "nope" }),
  ],
  [
    "save: no definition at all",
    "BAD_REQUEST",
    (c) => c.definitions.save.mutate({} as { definition: unknown }),
  ],
  [
    "save: missing startAt",
    "BAD_REQUEST",
    (c) => c.definitions.save.mutate({ definition: { ...definition, startAt: undefined } }),
  ],
  ["save: next points nowhere", "BAD_REQUEST", (c) => saveWithState(c, "pause", { next: "nowhere" })],
  ["save: unknown action", "BAD_REQUEST", (c) => saveWithState(c, "greet", { action: "nope.nope" })],
  [
    "save: params that do not match the action",
    "BAD_REQUEST",
    (c) => saveWithState(c, "pause", { params: { duration: { not: "a duration" } } }),
  ],
  [
    "save: an expression that does not parse",
    "BAD_REQUEST",
    (c) => saveWithState(c, "greet", { params: { value: "{% $input.( %}" } }),
  ],
  [
    "save: a name that is not a slug",
    "BAD_REQUEST",
    (c) => c.definitions.save.mutate({ definition: { ...definition, name: "Bad Name" } }),
  ],
  ["import: text that is not JSON", "BAD_REQUEST", (c) => c.definitions.import.mutate({ json: "{ nope" })],
  ["import: empty text", "BAD_REQUEST", (c) => c.definitions.import.mutate({ json: "" })],
  ["get: unknown definition", "NOT_FOUND", (c) => c.definitions.get.query({ name: "missing" })],
  ["get: version 0", "BAD_REQUEST", (c) => c.definitions.get.query({ name: "hello", version: 0 })],
  ["get: unknown version", "NOT_FOUND", (c) => c.definitions.get.query({ name: "hello", version: 99 })],
  ["versions: unknown definition", "NOT_FOUND", (c) => c.definitions.versions.query({ name: "missing" })],
  [
    "archive: unknown definition",
    "NOT_FOUND",
    (c) => c.definitions.archive.mutate({ name: "missing", archived: true }),
  ],
  [
    "export: a number as the name",
    "BAD_REQUEST",
    (c) => c.definitions.export.query({ name: 42 as unknown as string }),
  ],
  ["start: unknown workflow", "NOT_FOUND", (c) => c.runs.start.mutate({ name: "missing" })],
  [
    "start: unknown version",
    "NOT_FOUND",
    (c) => c.runs.start.mutate({ name: "hello", version: 7, input: { who: "x" } }),
  ],
  [
    "start: input missing a required field",
    "BAD_REQUEST",
    (c) => c.runs.start.mutate({ name: "hello", input: {} }),
  ],
  [
    "start: input of the wrong type",
    "BAD_REQUEST",
    (c) => c.runs.start.mutate({ name: "hello", input: { who: 5 } }),
  ],
  [
    "start: input with an unknown field",
    "BAD_REQUEST",
    (c) => c.runs.start.mutate({ name: "hello", input: { who: "x", admin: true } }),
  ],
  [
    "start: input that is not an object",
    "BAD_REQUEST",
    (c) => c.runs.start.mutate({ name: "hello", input: "who" }),
  ],
  ["get: unknown run", "NOT_FOUND", (c) => c.runs.get.query({ runId: "01NOPE" })],
  ["get: empty run id", "BAD_REQUEST", (c) => c.runs.get.query({ runId: "" })],
  ["history: unknown run", "NOT_FOUND", (c) => c.runs.history.query({ runId: "01NOPE" })],
  [
    "history: negative afterSeq",
    "BAD_REQUEST",
    (c) => c.runs.history.query({ runId: succeededRunId, afterSeq: -1 }),
  ],
  ["list: unknown status", "BAD_REQUEST", (c) => c.runs.list.query({ status: "done" as "succeeded" })],
  ["list: a cursor this server never gave", "BAD_REQUEST", (c) => c.runs.list.query({ cursor: "garbage!" })],
  ["list: limit 0", "BAD_REQUEST", (c) => c.runs.list.query({ limit: 0 })],
  ["cancel: unknown run", "NOT_FOUND", (c) => c.runs.cancel.mutate({ runId: "01NOPE", compensate: true })],
  [
    "cancel: compensate missing",
    "BAD_REQUEST",
    (c) => c.runs.cancel.mutate({ runId: succeededRunId } as never),
  ],
  ["signal: unknown run", "NOT_FOUND", (c) => c.runs.signal.mutate({ runId: "01NOPE", name: "go" })],
  ["signal: empty name", "BAD_REQUEST", (c) => c.runs.signal.mutate({ runId: succeededRunId, name: "" })],
  ["signal: a succeeded run", "CONFLICT", (c) => c.runs.signal.mutate({ runId: succeededRunId, name: "go" })],
  [
    "signal: a name of 201 characters",
    "BAD_REQUEST",
    (c) => c.runs.signal.mutate({ runId: succeededRunId, name: "x".repeat(201) }),
  ],
  ["resume: a succeeded run", "CONFLICT", (c) => c.runs.resume.mutate({ runId: succeededRunId })],
  [
    "retryCompensation: a succeeded run",
    "CONFLICT",
    (c) => c.runs.retryCompensation.mutate({ runId: succeededRunId }),
  ],
  [
    "resolveStep: a succeeded run",
    "CONFLICT",
    (c) => c.runs.resolveStep.mutate({ runId: succeededRunId, output: 1 }),
  ],
  [
    "restore: a run whose history verifies",
    "CONFLICT",
    (c) => c.runs.restore.mutate({ runId: succeededRunId }),
  ],
  [
    "cancel: a succeeded run",
    "CONFLICT",
    (c) => c.runs.cancel.mutate({ runId: succeededRunId, compensate: false }),
  ],
];

describe("bad input gets a clear error and changes nothing", { timeout: 30_000 }, () => {
  it.each(badCalls)("%s → %s", async (_title, code, call) => {
    const before = dumpDatabase();
    const error = await call(t.client).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, "the call should have been refused").toBeInstanceOf(TRPCClientError);
    const clientError = error as TRPCClientError<never>;
    expect(clientError.data).toMatchObject({ code });
    expect(clientError.message.length).toBeGreaterThan(3);
    expect(JSON.stringify(clientError.data)).not.toMatch(/stack|at .*\.ts:\d+/);
    expect(dumpDatabase()).toEqual(before);
  });

  it("refuses a definition with its diagnostics", async () => {
    const error = await t.client.definitions.save
      .mutate({ definition: { ...definition, startAt: "nowhere" } })
      .catch((caught: unknown) => caught as TRPCClientError<AppRouter>);
    const diagnostics = (error as TRPCClientError<AppRouter>).data?.diagnostics ?? [];
    expect(diagnostics.some((d) => d.severity === "error" && d.path.includes("startAt"))).toBe(true);
  });

  it("flattens zod errors for bad input", async () => {
    const error = await t.client.runs.get
      .query({ runId: "" })
      .catch((caught: unknown) => caught as TRPCClientError<AppRouter>);
    const zodError = (error as TRPCClientError<AppRouter>).data?.zodError;
    expect(zodError?.fieldErrors).toHaveProperty("runId");
  });

  it("an unknown run's event stream is NOT_FOUND", async () => {
    await expect(collectRunEvents(t.client, { runId: "01NOPE" }, () => true, 5_000)).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
  });
});

describe("raw HTTP refusals", { timeout: 30_000 }, () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.server.url}${path}`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", ...headers },
    });

  it("a body over the limit is 413 and stores nothing", async () => {
    const before = dumpDatabase();
    const huge = JSON.stringify({ json: "x".repeat(1_100_000) });
    const response = await post("/trpc/definitions.import", huge);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { data: { code: "PAYLOAD_TOO_LARGE" } } });
    expect(dumpDatabase()).toEqual(before);
  });

  it("a chunked body over the limit (no Content-Length) is refused too", async () => {
    const before = dumpDatabase();
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"json":"'));
        if (sent > 1_200_000) {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
          return;
        }
        controller.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const response = await fetch(`${t.server.url}/trpc/definitions.import`, {
      method: "POST",
      body: stream,
      headers: { "Content-Type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(dumpDatabase()).toEqual(before);
  });

  it("malformed JSON is a parse error", async () => {
    const response = await post("/trpc/definitions.save", "{ not json");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { data: { code: string } } };
    expect(["PARSE_ERROR", "BAD_REQUEST"]).toContain(body.error.data.code);
    expect(JSON.stringify(body)).not.toContain("stack");
  });

  it("an unknown procedure is 404", async () => {
    const response = await fetch(`${t.server.url}/trpc/runs.nope`);
    expect(response.status).toBe(404);
  });

  it("a mutation over GET is refused", async () => {
    const response = await fetch(
      `${t.server.url}/trpc/runs.resume?input=${encodeURIComponent('{"runId":"x"}')}`,
    );
    expect(response.status).toBe(405);
  });

  it("refuses cross-site writes: another Origin, or a body that is not JSON (a form post)", async () => {
    const before = dumpDatabase();
    const body = JSON.stringify({ name: "hello", input: { who: "csrf" } });
    const fromElsewhere = await post("/trpc/runs.start", body, { Origin: "https://evil.example" });
    expect(fromElsewhere.status).toBe(403);
    const asForm = await fetch(`${t.server.url}/trpc/runs.start`, {
      method: "POST",
      body,
      headers: { "Content-Type": "text/plain" },
    });
    expect(asForm.status).toBe(415);
    expect(dumpDatabase()).toEqual(before);
    // The same origin (the web app) is fine.
    const sameOrigin = await fetch(`${t.server.url}/trpc/definitions.list`, {
      headers: { Origin: t.server.url },
    });
    expect(sameOrigin.status).toBe(200);
  });

  it("sends no CORS headers, so other origins cannot read answers", async () => {
    const response = await fetch(`${t.server.url}/trpc/definitions.list`, {
      headers: { Origin: "https://evil.example" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${t.server.url}/trpc/definitions.save`, {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.ok).toBe(false);
  });
});
