import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, removeDir, startSagaflow } from "./cli-process";

/** A compensation_failed reached from the command line POSTs the alert to SAGAFLOW_ALERT_WEBHOOK, like serve. */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-cli-alerts-"));
const received: { kind: string; runId: string; compensationStateId: string }[] = [];
let webhook: Server;
let url = "";

beforeAll(async () => {
  webhook = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => webhook.close(() => resolve()));
  removeDir(dir);
});

const undoFails = path.join(dir, "undo-fails.json");
writeFileSync(
  undoFails,
  JSON.stringify({
    name: "undo-fails",
    startAt: "book",
    states: {
      book: {
        type: "task",
        action: "transform",
        params: { value: 1 },
        compensateWith: "unbook",
        next: "stop",
      },
      stop: { type: "fail", error: "Nope", message: "stopped on purpose" },
      unbook: {
        type: "compensation",
        action: "flaky",
        params: { failTimes: 99, error: "UndoDown" },
        retry: { maxAttempts: 1 },
      },
    },
  }),
);

describe("CLI alerts", { timeout: 120_000 }, () => {
  it("run and resume that reach compensation_failed each POST the alert before they exit", async () => {
    const env = { SAGAFLOW_ALERT_WEBHOOK: url };
    const run = await collect(startSagaflow(["run", undoFails, "--db", "alerts.db", "--json"], dir, env));
    expect(run.code).toBe(2);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    expect(received).toEqual([
      expect.objectContaining({ kind: "compensation_failed", runId, compensationStateId: "unbook" }),
    ]);

    const resumed = await collect(startSagaflow(["resume", runId, "--db", "alerts.db"], dir, env));
    expect(resumed.code).toBe(2);
    expect(received).toHaveLength(2);
    expect(received[1]).toMatchObject({ kind: "compensation_failed", runId });

    // Without the variable nothing is sent.
    const quiet = await collect(
      startSagaflow(["resume", runId, "--db", "alerts.db"], dir, { SAGAFLOW_ALERT_WEBHOOK: "" }),
    );
    expect(quiet.code).toBe(2);
    expect(received).toHaveLength(2);
  });
});
