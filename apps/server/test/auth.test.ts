import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServeRefusedError, startSagaflowServer } from "../src/app";
import { silentLogger } from "../src/logger";
import {
  approvalDefinition,
  collectRunEvents,
  createClient,
  helloDefinition,
  startTestServer,
  type TestServer,
} from "./helpers";

const TOKEN = "a-long-random-test-token";

describe("a public bind needs SAGAFLOW_TOKEN", { timeout: 30_000 }, () => {
  it("refuses to start on 0.0.0.0 without a token, before opening anything", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-refuse-"));
    const dbPath = path.join(dir, "data", "sagaflow.db");
    try {
      const start = startSagaflowServer({
        dbPath,
        host: "0.0.0.0",
        port: 0,
        logger: silentLogger,
        examplesDir: null,
      });
      await expect(start).rejects.toBeInstanceOf(ServeRefusedError);
      await expect(start).rejects.toThrow(/SAGAFLOW_TOKEN/);
      expect(existsSync(dbPath)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a bad SAGAFLOW_CLAIM_POLL_MS refuses the start", { timeout: 30_000 }, () => {
  it.each(["abc", "10", "1e3", "-100", "99999999", " 500"])("%j: named, nothing opened", async (value) => {
    const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-refuse-"));
    const dbPath = path.join(dir, "data", "sagaflow.db");
    try {
      const start = startSagaflowServer({
        dbPath,
        port: 0,
        logger: silentLogger,
        examplesDir: null,
        env: { SAGAFLOW_CLAIM_POLL_MS: value },
      });
      await expect(start).rejects.toBeInstanceOf(ServeRefusedError);
      await expect(start).rejects.toThrow(/SAGAFLOW_CLAIM_POLL_MS is whole milliseconds/);
      expect(existsSync(dbPath)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("with a token, every /trpc call needs it", { timeout: 30_000 }, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ host: "0.0.0.0", token: TOKEN });
    await t.client.definitions.save.mutate({ definition: helloDefinition() });
  });
  afterAll(() => t.stop());

  const url = () => t.server.url.replace("0.0.0.0", "127.0.0.1");

  it("answers calls that carry the bearer token", async () => {
    const list = await createClient(url(), TOKEN).definitions.list.query();
    expect(list.map((d) => d.name)).toEqual(["hello"]);
  });

  it("refuses a missing or wrong token with UNAUTHORIZED, changing nothing", async () => {
    for (const client of [
      createClient(url()),
      createClient(url(), "wrong-token"),
      createClient(url(), `${TOKEN}x`),
    ]) {
      const error = await client.runs.start
        .mutate({ name: "hello", input: { who: "eve" } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<never>).data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
    }
    const runs = await createClient(url(), TOKEN).runs.list.query();
    expect(runs.runs).toEqual([]);
  });

  it("records the caller on operator actions", async () => {
    const client = createClient(url(), TOKEN);
    await client.definitions.save.mutate({ definition: approvalDefinition() });
    const { runId } = await client.runs.start.mutate({ name: "wait-for-go" });
    await collectRunEvents(client, { runId }, (e) => e.event.type === "SignalAwaited");
    await client.runs.cancel.mutate({ runId, compensate: false });
    const { events } = await client.runs.history.query({ runId });
    expect(events.find((e) => e.event.type === "RunCanceled")?.event).toMatchObject({ by: "token" });
  });

  it("streams SSE with the header (Node), ?token= or connectionParams (a browser's EventSource)", async () => {
    const client = createClient(url(), TOKEN);
    const { runId } = await client.runs.start.mutate({ name: "hello", input: { who: "sse" } });
    const { events } = await collectRunEvents(client, { runId });
    expect(events.at(-1)?.event.type).toBe("RunSucceeded");

    const input = encodeURIComponent(JSON.stringify({ runId }));
    const withQueryToken = await fetch(`${url()}/trpc/runs.events?input=${input}&token=${TOKEN}`);
    expect(withQueryToken.status).toBe(200);
    expect(withQueryToken.headers.get("content-type")).toContain("text/event-stream");
    await withQueryToken.body?.cancel();

    const params = encodeURIComponent(JSON.stringify({ token: TOKEN }));
    const withConnectionParams = await fetch(
      `${url()}/trpc/runs.events?input=${input}&connectionParams=${params}`,
    );
    expect(withConnectionParams.status).toBe(200);
    await withConnectionParams.body?.cancel();

    const without = await fetch(`${url()}/trpc/runs.events?input=${input}`);
    expect(without.status).toBe(401);
    const wrong = await fetch(`${url()}/trpc/runs.events?input=${input}&token=nope`);
    expect(wrong.status).toBe(401);
  });

  it("still serves the web app's static files without a token (they hold no data)", async () => {
    const response = await fetch(`${url()}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Sagaflow");
  });
});
