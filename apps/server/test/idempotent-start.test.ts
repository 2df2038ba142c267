import { afterAll, describe, expect, it } from "vitest";
import { helloDefinition, startTestServer, type TestServer } from "./helpers";

/** `runs.start` with a requestId: a client that lost the answer retries safely, even across a restart. */

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop().catch(() => {});
});

describe("idempotent starts", () => {
  it("the same requestId returns the same run and starts nothing new, also after a restart", async () => {
    const first = await startTestServer();
    servers.push(first);
    await first.client.definitions.save.mutate({ definition: helloDefinition() });
    const a = await first.client.runs.start.mutate({
      name: "hello",
      input: { who: "ada" },
      requestId: "order-42",
    });
    const again = await first.client.runs.start.mutate({
      name: "hello",
      input: { who: "ada" },
      requestId: "order-42",
    });
    expect(again.runId).toBe(a.runId);
    const other = await first.client.runs.start.mutate({
      name: "hello",
      input: { who: "bob" },
      requestId: "order-43",
    });
    expect(other.runId).not.toBe(a.runId);
    // Retried at the same moment: still one run.
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        first.client.runs.start.mutate({ name: "hello", input: { who: "cy" }, requestId: "order-44" }),
      ),
    );
    expect(new Set(racing.map((r) => r.runId)).size).toBe(1);
    expect((await first.client.runs.list.query({})).runs).toHaveLength(3);

    // The process goes away (its answer lost); the client retries against the restarted server.
    await first.server.close();
    const second = await startTestServer({ dbPath: first.dbPath });
    servers.push(second);
    const retried = await second.client.runs.start.mutate({
      name: "hello",
      input: { who: "ada" },
      requestId: "order-42",
    });
    expect(retried.runId).toBe(a.runId);
    expect((await second.client.runs.list.query({})).runs).toHaveLength(3);
  });
});
