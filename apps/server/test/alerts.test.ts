import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunsChange } from "../src/live/live-feed";
import { collectRunEvents, eventually, startTestServer, type TestServer } from "./helpers";

/** A saga whose only compensation always fails: the run ends compensation_failed. */
const brokenUndo = {
  name: "broken-undo",
  startAt: "reserve",
  states: {
    reserve: {
      type: "task",
      action: "transform",
      params: { value: { reserved: true } },
      effect: "write",
      compensateWith: "release",
      next: "charge",
    },
    charge: { type: "task", action: "flaky", params: { failTimes: 99, error: "CardDeclined" }, next: "done" },
    done: { type: "succeed" },
    release: {
      type: "compensation",
      action: "flaky",
      params: { failTimes: 99, error: "ReleaseFailed", message: "stock service down" },
      retry: { maxAttempts: 1 },
    },
  },
};

let webhook: Server;
const received: unknown[] = [];
let t: TestServer;
const errors: string[] = [];

beforeAll(async () => {
  let calls = 0;
  webhook = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      calls += 1;
      // The first delivery fails: the alert must be retried.
      res.statusCode = calls === 1 ? 503 : 200;
      if (calls > 1) received.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const { port } = webhook.address() as AddressInfo;
  t = await startTestServer({
    alertWebhook: `http://127.0.0.1:${port}/alerts`,
    logger: { info() {}, warn() {}, error: (message) => errors.push(message) },
  });
  await t.client.definitions.save.mutate({ definition: brokenUndo });
});
afterAll(async () => {
  await t.stop();
  await new Promise<void>((resolve) => webhook.close(() => resolve()));
});

describe("compensation_failed alerts", { timeout: 30_000 }, () => {
  it("are logged at error level, pushed on runs.changes, listed, and POSTed to the webhook", async () => {
    const changes: RunsChange[] = [];
    let opened!: () => void;
    const started = new Promise<void>((resolve) => (opened = resolve));
    const subscription = t.client.runs.changes.subscribe(undefined, {
      onStarted: () => opened(),
      onData: (change) => changes.push(change as RunsChange),
    });
    await started;
    const { runId } = await t.client.runs.start.mutate({ name: "broken-undo" });
    const { events } = await collectRunEvents(t.client, { runId });
    expect(events.at(-1)?.event.type).toBe("CompensationFailed");

    const pushed = await eventually(
      async () => changes.filter((c) => c.kind === "alert"),
      (list) => list.length > 0,
    );
    subscription.unsubscribe();
    expect(pushed[0]).toMatchObject({
      kind: "alert",
      alert: {
        runId,
        taskStateId: "reserve",
        compensationStateId: "release",
        error: { error: "ReleaseFailed" },
      },
    });
    expect(await t.client.alerts.list.query()).toEqual([
      pushed[0]?.kind === "alert" ? pushed[0].alert : undefined,
    ]);
    expect(errors.some((line) => line.includes(runId) && line.includes("release"))).toBe(true);

    const delivered = await eventually(
      async () => received,
      (list) => list.length > 0,
    );
    expect(delivered[0]).toMatchObject({
      kind: "compensation_failed",
      runId,
      compensationStateId: "release",
    });
  });

  it("clear when a person resolves the failed compensation", async () => {
    const [open] = await t.client.alerts.list.query();
    expect(open).toBeDefined();
    await t.client.runs.resolveStep.mutate({ runId: open!.runId, output: { releasedByHand: true } });
    const run = await eventually(
      () => t.client.runs.get.query({ runId: open!.runId }),
      (r) => r.run.status !== "compensation_failed" && r.run.status !== "compensating",
    );
    expect(run.run.status).toBe("compensated");
    expect(await t.client.alerts.list.query()).toEqual([]);
  });
});
