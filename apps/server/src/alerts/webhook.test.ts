import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Alert } from "./alert";
import { postAlert } from "./webhook";

const alert: Alert = {
  kind: "compensation_failed",
  runId: "r1",
  workflow: "db-migration",
  version: 2,
  taskStateId: "backup_database",
  compensationStateId: "restore_backup",
  error: { error: "RestoreFailed", message: "disk full" },
  message: "compensation restore_backup failed",
  at: "2025-01-01T00:00:00.000Z",
};

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A real webhook receiver that answers with the given statuses in turn. */
async function receiver(statuses: number[]) {
  const bodies: unknown[] = [];
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      bodies.push({ method: req.method, type: req.headers["content-type"], body: JSON.parse(text) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies };
}

describe("postAlert", () => {
  it("POSTs the alert as JSON", async () => {
    const { url, bodies } = await receiver([204]);
    const result = await postAlert(alert, { url });
    expect(result).toEqual({ delivered: true, attempts: 1 });
    expect(bodies).toEqual([{ method: "POST", type: "application/json", body: alert }]);
  });

  it("retries failures with growing delays until the receiver accepts", async () => {
    const { url, bodies } = await receiver([500, 503, 200]);
    const delays: number[] = [];
    const result = await postAlert(alert, {
      url,
      initialDelayMs: 100,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(result).toEqual({ delivered: true, attempts: 3 });
    expect(delays).toEqual([100, 200]);
    expect(bodies).toHaveLength(3);
  });

  it("gives up after the attempts and reports why, without throwing", async () => {
    const { url } = await receiver([500, 500, 500]);
    const result = await postAlert(alert, { url, attempts: 3, sleep: async () => {} });
    expect(result).toEqual({ delivered: false, attempts: 3, lastError: "HTTP 500" });
  });

  it("survives an unreachable receiver", async () => {
    const result = await postAlert(alert, {
      url: "http://127.0.0.1:1/none",
      attempts: 2,
      sleep: async () => {},
    });
    expect(result.delivered).toBe(false);
  });
});
