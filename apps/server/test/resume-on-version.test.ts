import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestServer, type TestServer } from "./helpers";

/** reserve (undone by release) → charge (the bug in v1: it always fails, abort) → done. */
const booking = (chargeFails: number, extra: Record<string, unknown> = {}) => ({
  name: "booking",
  startAt: "reserve",
  states: {
    reserve: {
      type: "task",
      action: "transform",
      params: { value: { reserved: 1 } },
      effect: "write",
      compensateWith: "release",
      next: "charge",
    },
    charge: {
      type: "task",
      action: "flaky",
      params: { failTimes: chargeFails, error: "CardDeclined", output: { charged: true } },
      retry: { maxAttempts: 1 },
      onError: "abort",
      next: "done",
    },
    done: { type: "succeed" },
    release: { type: "compensation", action: "transform", params: { value: "released" } },
    ...extra,
  },
});

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

async function failedRun(): Promise<string> {
  await t.client.definitions.save.mutate({ definition: booking(99) });
  const { runId } = await t.client.runs.start.mutate({ name: "booking" });
  await eventually(
    () => t.client.runs.get.query({ runId }),
    (r) => r.run.status === "failed",
  );
  return runId;
}

describe("runs.resume with a version, over tRPC", { timeout: 30_000 }, () => {
  it("reports, then moves a failed run to the fixed latest version, which succeeds without re-running reserve", async () => {
    const runId = await failedRun();
    await t.client.definitions.save.mutate({ definition: booking(0) });
    const report = await t.client.runs.versionReport.query({ runId });
    expect(report).toMatchObject({
      compatible: true,
      from: 1,
      to: 2,
      latestVersion: 2,
      kept: [{ stateId: "reserve", output: { reserved: 1 } }],
      continueAt: [{ scope: "", stateId: "charge" }],
      changed: [{ stateId: "charge", change: "changed", fields: ["params"] }],
    });
    await t.client.runs.resume.mutate({ runId, version: "latest" });
    const done = await eventually(
      () => t.client.runs.get.query({ runId }),
      (r) => r.run.status === "succeeded",
    );
    expect(done.run.version).toBe(2);
    const { events } = await t.client.runs.history.query({ runId });
    const types = events.map((e) => e.event.type);
    expect(types.filter((type) => type === "StepSucceeded")).toHaveLength(2); // reserve once, charge once
    expect(events.find((e) => e.event.type === "RunMovedToVersion")?.event).toMatchObject({ from: 1, to: 2 });
  });

  it("refuses an incompatible version with CONFLICT and its reasons, changing nothing", async () => {
    const runId = await failedRun();
    const before = (await t.client.runs.get.query({ runId })).run;
    const fixed = booking(0);
    const { reserve: _reserve, ...states } = fixed.states;
    const saved = await t.client.definitions.save.mutate({
      definition: { ...fixed, startAt: "charge", states },
    });
    const report = await t.client.runs.versionReport.query({ runId, version: saved.version });
    expect(report.compatible).toBe(false);
    expect(report.refusals[0]).toContain('"reserve" holds completed work');
    await expect(t.client.runs.resume.mutate({ runId, version: saved.version })).rejects.toMatchObject({
      data: { code: "CONFLICT" },
      message: expect.stringContaining('"reserve" holds completed work'),
    });
    expect((await t.client.runs.get.query({ runId })).run).toMatchObject({
      status: "failed",
      version: before.version,
    });
    expect(saved.version).toBeGreaterThan(before.version);
  });
});
