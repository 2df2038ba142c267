import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_EXAMPLES_DIR } from "../src/seed";
import { eventually, helloDefinition, startTestServer, type TestServer } from "./helpers";

/**
 * GET /metrics scraped over real HTTP and parsed with a Prometheus text-format parser: the run counters
 * move by exactly the runs made, and every metric the operations guide names is there.
 */

const TOKEN = "metrics-test-token-0123456789";
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ examplesDir: REPO_EXAMPLES_DIR, token: TOKEN });
  await server.client.definitions.save.mutate({ definition: helloDefinition("hello", "20ms") });
});
afterAll(() => server?.stop());

/**
 * The scrape, parsed. The parser folds a histogram's labelled series into one (it keeps prom2json's shape),
 * so each histogram is also read as its plain `_count`, `_sum` and `_bucket` series, with their labels.
 */
async function scrape(): Promise<ParsedFamily[]> {
  const response = await fetch(`${server.server.url}/metrics`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  const text = await response.text();
  const histograms = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((match) => `${match[1]}_`);
  const series = text
    .split("\n")
    .filter((line) => histograms.some((name) => line.startsWith(name)))
    .join("\n");
  return [...parsePrometheusTextFormat(text), ...parsePrometheusTextFormat(`${series}\n`)];
}

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric ${name}`);
  return found;
}

/** The value of the sample whose labels include `labels`, summed over the rest (0 when absent). */
function value(families: ParsedFamily[], name: string, labels: Record<string, string> = {}): number {
  // A histogram's series come interleaved (buckets, sum, count per label set): each run is a family.
  const samples = families
    .filter((f) => f.name === name && f.type !== "HISTOGRAM")
    .flatMap((f) => f.metrics)
    .filter((m) => Object.entries(labels).every(([key, v]) => m.labels?.[key] === v));
  return samples.reduce((sum, m) => sum + Number(m.value), 0);
}

async function runToEnd(name: string, input: unknown, status: string): Promise<void> {
  const { runId } = await server.client.runs.start.mutate({ name, input } as never);
  await eventually(
    () => server.client.runs.get.query({ runId }),
    (view) => view.run.status === status,
  );
}

describe("GET /metrics", () => {
  it("follows the API's token rule", async () => {
    expect((await fetch(`${server.server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.server.url}/metrics`, { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    // The probes stay open: load balancers have no token.
    expect((await fetch(`${server.server.url}/healthz`)).status).toBe(200);
  });

  it("counts exactly the runs made, by workflow and status", async () => {
    const before = await scrape();
    await runToEnd("hello", { who: "a" }, "succeeded");
    await runToEnd("hello", { who: "b" }, "succeeded");
    await runToEnd("hello", { who: "c" }, "succeeded");
    const order = { orderId: "o", sku: "s", quantity: 1, amount: 5, failAt: "ship_order" };
    await runToEnd("order-saga", order, "compensated");
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      value(after, name, labels) - value(before, name, labels);

    expect(delta("sagaflow_runs_started_total", { workflow: "hello" })).toBe(3);
    expect(delta("sagaflow_runs_started_total", { workflow: "order-saga" })).toBe(1);
    expect(delta("sagaflow_runs_ended_total", { workflow: "hello", status: "succeeded" })).toBe(3);
    expect(delta("sagaflow_runs_ended_total", { workflow: "order-saga", status: "compensated" })).toBe(1);
    expect(delta("sagaflow_runs_ended_total", { workflow: "hello", status: "failed" })).toBe(0);
    // refund_payment and release_stock ran; none failed.
    expect(delta("sagaflow_compensations_run_total", { workflow: "order-saga" })).toBe(2);
    expect(delta("sagaflow_compensations_failed_total", { workflow: "order-saga" })).toBe(0);
    // Nothing is left in progress, and no alert is open.
    for (const status of ["running", "waiting", "compensating", "suspended", "compensation_failed"]) {
      expect(value(after, "sagaflow_runs_in_progress", { status })).toBe(0);
    }
    expect(value(after, "sagaflow_alerts_open")).toBe(0);

    // Step attempts: one per task of each hello run; charge_payment's failed first attempt and its retry.
    const attempts = (labels: Record<string, string>) =>
      delta("sagaflow_step_attempt_duration_seconds_count", labels);
    expect(attempts({ workflow: "hello", state: "pause", outcome: "succeeded" })).toBe(3);
    expect(attempts({ workflow: "order-saga", state: "charge_payment", outcome: "failed" })).toBe(1);
    expect(attempts({ workflow: "order-saga", state: "charge_payment", outcome: "succeeded" })).toBe(1);
    expect(attempts({ workflow: "order-saga", state: "ship_order", outcome: "failed" })).toBe(1);
    // Three 20 ms delays: at least 60 ms in all.
    const pauseSeconds = delta("sagaflow_step_attempt_duration_seconds_sum", {
      workflow: "hello",
      state: "pause",
    });
    expect(pauseSeconds).toBeGreaterThanOrEqual(0.06);

    // Every commit of those runs was timed.
    expect(delta("sagaflow_store_commit_duration_seconds_count", { outcome: "ok" })).toBeGreaterThanOrEqual(
      4 * 3,
    );
    expect(family(after, "sagaflow_store_commit_duration_seconds").type).toBe("HISTOGRAM");
  });

  it("shows a run in progress by its status, and the worker queue and event-loop lag", async () => {
    await server.client.definitions.save.mutate({
      definition: {
        name: "waits",
        startAt: "go",
        states: { go: { type: "signal", signal: "go", next: "done" }, done: { type: "succeed" } },
      },
    });
    const { runId } = await server.client.runs.start.mutate({ name: "waits" });
    await eventually(
      scrape,
      (families) => value(families, "sagaflow_runs_in_progress", { status: "waiting" }) === 1,
    );
    await server.client.runs.signal.mutate({ runId, name: "go" });
    const families = await eventually(
      scrape,
      (f) => value(f, "sagaflow_runs_in_progress", { status: "waiting" }) === 0,
    );
    expect(value(families, "sagaflow_runs_ended_total", { workflow: "waits", status: "succeeded" })).toBe(1);
    expect(value(families, "sagaflow_worker_queue_depth")).toBe(0);
    expect(family(families, "sagaflow_worker_running_actions").type).toBe("GAUGE");
    expect(family(families, "nodejs_eventloop_lag_seconds").type).toBe("GAUGE");
    expect(family(families, "nodejs_eventloop_lag_p99_seconds").metrics).toHaveLength(1);
  });
});
