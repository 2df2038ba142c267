import { afterAll, describe, expect, it } from "vitest";
import { helloDefinition, startTestServer, type TestServer } from "./helpers";

/**
 * `--workflow-concurrency slow=1` on a real server (HTTP, SQLite, the worker pool): three runs of `slow`
 * take their 400 ms steps one after another, while another workflow's run is not held up by them.
 */

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

const finished = async (test: TestServer, runId: string) => {
  for (;;) {
    const { run } = await test.client.runs.get.query({ runId });
    if (run.status === "succeeded") return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("a per-workflow concurrency limit", { timeout: 60_000 }, () => {
  it("runs one step of the limited workflow at a time, and others beside it", async () => {
    const test = await startTestServer({ concurrency: 8, workflowConcurrency: { slow: 1 } });
    servers.push(test);
    await test.client.definitions.save.mutate({ definition: helloDefinition("slow", "400ms") });
    await test.client.definitions.save.mutate({ definition: helloDefinition("quick", "400ms") });
    const began = Date.now();
    const slow = await Promise.all(
      [1, 2, 3].map(() => test.client.runs.start.mutate({ name: "slow", input: { who: "s" } })),
    );
    const quick = await test.client.runs.start.mutate({ name: "quick", input: { who: "q" } });
    const [quickDone, ...slowDone] = await Promise.all(
      [quick, ...slow].map(({ runId }) => finished(test, runId)),
    );
    // One at a time: the last of three 400 ms delays ends at least 1.2 s after the start.
    expect(Math.max(...slowDone) - began).toBeGreaterThanOrEqual(1200);
    // The other workflow took a slot of its own at once: done before the third slow run.
    expect(quickDone).toBeLessThan(Math.max(...slowDone));
  });
});
