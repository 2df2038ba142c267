import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/router/root";
import { REPO_EXAMPLES_DIR } from "../src/seed";
import { eventually, startTestServer, type TestServer } from "./helpers";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver";

/**
 * The order saga with shipping failing, through the real server, its spans exported over OTLP/HTTP to a
 * receiver on loopback: the run span continues the caller's trace, the forward steps come in order, the
 * failing step is an error, and the two compensations run in reverse order, each linked to the step it undoes.
 */

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

let receiver: OtlpReceiver;
let server: TestServer;
const calledWith: IncomingHttpHeaders[] = [];
const service = createServer((req, res) => {
  calledWith.push(req.headers);
  res.end("ok");
});

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
  server = await startTestServer({
    examplesDir: REPO_EXAMPLES_DIR,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "sagaflow-test",
      OTEL_BSP_SCHEDULE_DELAY: "50",
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  await new Promise<void>((resolve) => service.close(() => resolve()));
});

const byName = (spans: ReceivedSpan[], name: string) => spans.filter((span) => span.name === name);
function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = byName(spans, name);
  expect(found, `one span named ${name}`).toHaveLength(1);
  return found[0] as ReceivedSpan;
}

describe("traces over OTLP", () => {
  it("exports the order saga's span tree: steps in order, the failing step an error, compensations linked and reversed", async () => {
    const { runId } = await server.client.runs.start.mutate({
      name: "order-saga",
      input: { orderId: "o-1", sku: "sku-1", quantity: 2, amount: 10, failAt: "ship_order" },
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
    });
    await eventually(
      () => server.client.runs.get.query({ runId }),
      (view) => view.run.status === "compensated",
    );
    const spans = (
      await receiver.waitFor((all) => all.some((span) => span.name === "run order-saga"))
    ).filter((span) => span.attributes["sagaflow.run.id"] === runId);

    // Every span is in the caller's trace, from the configured service.
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([CALLER_TRACE]));
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(["sagaflow-test"]));

    // One run span, a child of the caller's span, ended with the run's status.
    const run = only(spans, "run order-saga");
    expect(run.parentSpanId).toBe(CALLER_SPAN);
    expect(run.attributes).toMatchObject({
      "sagaflow.run.status": "compensated",
      "sagaflow.workflow.name": "order-saga",
      "sagaflow.workflow.version": 1,
      "error.type": "ShippingUnavailable",
    });
    expect(run.status.code).toBe(2);

    // Forward steps, children of the run span, one after the other.
    const forward = ["reserve_stock", "charge_payment", "ship_order"].map((id) => only(spans, `state ${id}`));
    for (const step of forward) expect(step.parentSpanId).toBe(run.spanId);
    for (let i = 1; i < forward.length; i++) {
      expect(forward[i - 1]?.endMs).toBeLessThanOrEqual(forward[i]?.startMs ?? 0);
    }
    const [reserve, charge, ship] = forward as [ReceivedSpan, ReceivedSpan, ReceivedSpan];
    expect(reserve.status.code).toBe(1);
    expect(charge.status.code).toBe(1);

    // Retries are visible: charge_payment's first attempt failed, its second succeeded, same idempotency key.
    const chargeAttempts = byName(spans, "attempt charge_payment").sort(
      (a, b) => Number(a.attributes["sagaflow.attempt"]) - Number(b.attributes["sagaflow.attempt"]),
    );
    expect(chargeAttempts.map((a) => [a.attributes["sagaflow.attempt"], a.status.code])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(chargeAttempts[0]?.attributes["error.type"]).toBe("PaymentDeclined");
    expect(chargeAttempts[0]?.attributes["sagaflow.attempt.will_retry"]).toBe(true);
    expect(new Set(chargeAttempts.map((a) => a.attributes["sagaflow.idempotency_key"]))).toEqual(
      new Set([`${runId}:charge_payment:1`]),
    );
    for (const attempt of chargeAttempts) expect(attempt.parentSpanId).toBe(charge.spanId);

    // The failing step: error status, the error's name, and an exception event.
    expect(ship.status).toMatchObject({ code: 2 });
    expect(ship.status.message).toContain("ShippingUnavailable");
    expect(ship.attributes["error.type"]).toBe("ShippingUnavailable");
    expect(ship.events.map((event) => event.name)).toContain("exception");
    expect(only(spans, "attempt ship_order").status.code).toBe(2);

    // Two compensations under one compensation span, in reverse order, each linked to the step it undoes.
    const chain = only(spans, "compensation");
    expect(chain.parentSpanId).toBe(run.spanId);
    expect(chain.attributes["sagaflow.compensation.cause"]).toBe("failure");
    const compensations = spans
      .filter((span) => span.name.startsWith("compensate "))
      .sort(
        (a, b) =>
          Number(a.attributes["sagaflow.compensation.order"]) -
          Number(b.attributes["sagaflow.compensation.order"]),
      );
    expect(compensations.map((span) => span.name)).toEqual([
      "compensate charge_payment",
      "compensate reserve_stock",
    ]);
    expect(compensations.map((span) => span.attributes["sagaflow.compensation.order"])).toEqual([1, 2]);
    expect(compensations[0]?.endMs).toBeLessThanOrEqual(compensations[1]?.startMs ?? 0);
    expect(ship.endMs).toBeLessThanOrEqual(compensations[0]?.startMs ?? 0);
    const [refund, release] = compensations as [ReceivedSpan, ReceivedSpan];
    expect(refund.links).toEqual([
      { traceId: CALLER_TRACE, spanId: charge.spanId, attributes: { "sagaflow.link": "compensates" } },
    ]);
    expect(release.links).toEqual([
      { traceId: CALLER_TRACE, spanId: reserve.spanId, attributes: { "sagaflow.link": "compensates" } },
    ]);
    for (const compensation of compensations) {
      expect(compensation.parentSpanId).toBe(chain.spanId);
      expect(compensation.status.code).toBe(1);
    }
    expect(only(spans, "attempt refund_payment").parentSpanId).toBe(refund.spanId);
    expect(only(spans, "attempt release_stock").parentSpanId).toBe(release.spanId);
    // The spans were sent as OTLP/HTTP JSON.
    expect(receiver.requests.every((request) => request.contentType?.startsWith("application/json"))).toBe(
      true,
    );
  });

  // The first http.request starts a thread of the action worker pool: allow for it on a busy machine.
  it("sends the attempt's traceparent with http.request, so the called service joins the trace", async () => {
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/ship`;
    await server.client.definitions.save.mutate({
      definition: {
        name: "calls-out",
        startAt: "call",
        states: {
          call: {
            type: "task",
            action: "http.request",
            params: { url, method: "POST", body: { order: 1 } },
            compensateWith: null,
            end: true,
          },
        },
      },
    });
    const { runId } = await server.client.runs.start.mutate({ name: "calls-out" });
    await eventually(
      () => server.client.runs.get.query({ runId }),
      (view) => view.run.status === "succeeded",
    );
    const spans = await receiver.waitFor((all) =>
      all.some((span) => span.name === "run calls-out" && span.attributes["sagaflow.run.id"] === runId),
    );
    const attempt = spans.find(
      (span) => span.name === "attempt call" && span.attributes["sagaflow.run.id"] === runId,
    );
    expect(attempt).toBeDefined();
    expect(calledWith.at(-1)?.traceparent).toBe(`00-${attempt?.traceId}-${attempt?.spanId}-01`);
  }, 30_000);

  it("continues the trace of a caller whose HTTP client sends a traceparent header", async () => {
    const headerTrace = "7d1b3c5e9f0a2b4c6d8e0f1a3b5c7d9e";
    const headerSpan = "1a2b3c4d5e6f7a8b";
    const instrumented = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${server.server.url}/trpc`,
          headers: { traceparent: `00-${headerTrace}-${headerSpan}-01` },
        }),
      ],
    });
    const { runId } = await instrumented.runs.start.mutate({
      name: "order-saga",
      input: { orderId: "o-2", sku: "s", quantity: 1, amount: 1 },
    });
    await eventually(
      () => server.client.runs.get.query({ runId }),
      (view) => view.run.status === "succeeded",
    );
    const spans = await receiver.waitFor((all) =>
      all.some((span) => span.name === "run order-saga" && span.attributes["sagaflow.run.id"] === runId),
    );
    const run = spans.find(
      (span) => span.name === "run order-saga" && span.attributes["sagaflow.run.id"] === runId,
    );
    expect(run).toMatchObject({ traceId: headerTrace, parentSpanId: headerSpan, status: { code: 1 } });
  });
});
