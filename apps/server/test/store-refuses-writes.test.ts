import type { SqliteRunStore } from "@sagaflow/engine";
import { rawSqlite } from "@sagaflow/engine/testing";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, startTestServer, type TestServer } from "./helpers";

/**
 * Found by fault injection: when the server's database refused a commit (disk full, read-only) the engine
 * stopped the run cleanly, but the server never picked it up again once the database took writes; it sat
 * `running` until the next restart. The engine now loads such a run again, with backoff, until its commits succeed.
 */

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const slowStep = {
  name: "slow-step",
  startAt: "pause",
  states: {
    pause: { type: "task", action: "delay", params: { duration: "300ms" }, idempotent: true, next: "done" },
    done: { type: "succeed", output: "finished" },
  },
};

describe("the server's database refuses writes for a while", () => {
  it("finishes the run once it takes writes again, without a restart", { timeout: 30_000 }, async () => {
    t = await startTestServer();
    const sqlite = rawSqlite(t.server.services.store as SqliteRunStore);
    await t.client.definitions.save.mutate({ definition: slowStep });
    const { runId } = await t.client.runs.start.mutate({ name: "slow-step" });
    sqlite.pragma("query_only = ON"); // the step's result will find the database read-only
    await new Promise((resolve) => setTimeout(resolve, 800));
    const stuck = await t.client.runs.get.query({ runId });
    expect(stuck.run.status).toBe("running");
    sqlite.pragma("query_only = OFF");
    const done = await eventually(
      () => t?.client.runs.get.query({ runId }) as Promise<typeof stuck>,
      (found) => found.run.status === "succeeded",
      10_000,
    );
    expect(done.run.snapshot).toMatchObject({ output: "finished" });
  });
});
