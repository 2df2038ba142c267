import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { Definition } from "@sagaflow/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequest } from "../src/actions/builtin/http-request";
import { Engine } from "../src/runtime/engine";
import { MemoryRunStore } from "../src/store/memory-store";

/**
 * The trace context a caller hands `Engine.start` is stored with the run (RunStarted, then the snapshot, so
 * it survives a restart), and `http.request` sends the attempt's traceparent to the service it calls.
 */

const CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const ATTEMPT = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";

const seen: IncomingHttpHeaders[] = [];
const service = createServer((req, res) => {
  seen.push(req.headers);
  res.setHeader("content-type", "application/json");
  res.end("{}");
});
let url = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((resolve) => service.close(() => resolve())));

const definition = (target: string): Definition => ({
  name: "calls-out",
  startAt: "call",
  states: {
    call: {
      type: "task",
      action: "http.request",
      params: { url: target, method: "POST", body: { hello: 1 } },
      compensateWith: null,
      end: true,
    },
  },
});

describe("traceparent", () => {
  it("is stored with the run and sent by http.request as the attempt's context", async () => {
    const asked: string[] = [];
    const engine = new Engine({
      store: new MemoryRunStore(),
      actions: [httpRequest],
      traceparentFor: (run, attemptId) => {
        asked.push(`${run.snapshot.traceparent}|${attemptId}`);
        return ATTEMPT;
      },
    });
    const runId = await engine.start(definition(url), {}, { traceparent: CALLER });
    const run = await engine.waitFor(runId);
    expect(run.status).toBe("succeeded");
    const started = (await engine.getHistory(runId))[0]?.event;
    expect(started).toMatchObject({ type: "RunStarted", traceparent: CALLER });
    expect(run.snapshot.traceparent).toBe(CALLER);
    expect(asked).toEqual([`${CALLER}|${runId}:call:1#1`]);
    expect(seen.at(-1)?.traceparent).toBe(ATTEMPT);
    await engine.close();
  });

  it("is left out of RunStarted, and off the request, when there is none", async () => {
    const engine = new Engine({ store: new MemoryRunStore(), actions: [httpRequest] });
    const runId = await engine.start(definition(url));
    expect((await engine.waitFor(runId)).status).toBe("succeeded");
    expect((await engine.getHistory(runId))[0]?.event).not.toHaveProperty("traceparent");
    expect(seen.at(-1)).not.toHaveProperty("traceparent");
    await engine.close();
  });
});
