import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, helloDefinition, startTestServer, type TestServer } from "./helpers";

let t: TestServer;
beforeAll(async () => {
  // A concurrency limit below the number of runs, so the worker's queue is exercised too.
  t = await startTestServer({ concurrency: 16 });
  await t.client.definitions.save.mutate({ definition: helloDefinition("load", "20ms") });
});
afterAll(() => t.stop());

describe("200 runs at once", () => {
  it("all finish, and runs.list answers while they run", async () => {
    const started = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        t.client.runs.start.mutate({ name: "load", input: { who: `w${i}` } }),
      ),
    );
    const ids = new Set(started.map((s) => s.runId));
    expect(ids.size).toBe(200);

    // While the load runs, lists keep answering with consistent pages.
    const during = await t.client.runs.list.query({ workflow: "load", limit: 500 });
    expect(during.runs).toHaveLength(200);

    const done = await eventually(
      () => t.client.runs.list.query({ workflow: "load", status: "succeeded", limit: 500 }),
      (page) => page.runs.length === 200,
      60_000,
    );
    expect(new Set(done.runs.map((r) => r.id))).toEqual(ids);
    const others = await t.client.runs.list.query({
      workflow: "load",
      status: ["running", "waiting", "failed", "compensated", "compensation_failed", "suspended", "canceled"],
    });
    expect(others.runs).toEqual([]);
  }, 90_000);
});
