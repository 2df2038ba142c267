import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, eventually } from "./helpers";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver";

/**
 * A run survives a SIGKILL of the real `sagaflow serve` mid-step; the restarted process continues its trace:
 * the spans exported after recovery share the trace id of those exported before, hang under the same run
 * span, and the step that was cut short is one span covering both processes.
 */

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-trace-crash-"));
const dbPath = path.join(dir, "sagaflow.db");
const children: ChildProcess[] = [];
let receiver: OtlpReceiver;

const CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CALLER_SPAN = "b7ad6b7169203331";

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

function serve(): Promise<{ child: ChildProcess; url: string }> {
  const { SAGAFLOW_TOKEN: _token, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", "--db", dbPath],
    {
      cwd: serverDir,
      env: {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_BSP_SCHEDULE_DELAY: "50",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const match = /Sagaflow is running at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

const definition = {
  name: "crash-trace",
  startAt: "first",
  states: {
    first: { type: "task", action: "transform", params: { value: 1 }, idempotent: true, next: "slow" },
    slow: { type: "task", action: "delay", params: { duration: "1500ms" }, idempotent: true, next: "last" },
    last: { type: "task", action: "transform", params: { value: 2 }, idempotent: true, next: "done" },
    done: { type: "succeed" },
  },
};

describe("a trace across a crash", () => {
  it("continues the same trace after SIGKILL and recovery", async () => {
    const first = await serve();
    const client = createClient(first.url);
    await client.definitions.save.mutate({ definition });
    const { runId } = await client.runs.start.mutate({
      name: "crash-trace",
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
    });
    const ofRun = (spans: ReceivedSpan[]) =>
      spans.filter((span) => span.attributes["sagaflow.run.id"] === runId);
    // `first` has ended and been exported; `slow` (1.5 s) is under way: kill now.
    await receiver.waitFor((spans) => ofRun(spans).some((span) => span.name === "state first"));
    const killedAt = Date.now();
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    const beforeCrash = ofRun(receiver.spans).map((span) => span.spanId);
    expect(ofRun(receiver.spans).map((span) => span.name)).not.toContain("state last");

    const second = await serve();
    const again = createClient(second.url);
    await eventually(
      () => again.runs.get.query({ runId }),
      (view) => view.run.status === "succeeded",
    );
    const spans = ofRun(
      await receiver.waitFor((all) => ofRun(all).some((span) => span.name === "run crash-trace")),
    );
    second.child.kill("SIGTERM");

    const run = spans.find((span) => span.name === "run crash-trace") as ReceivedSpan;
    const after = spans.filter((span) => !beforeCrash.includes(span.spanId));
    expect(after.map((span) => span.name)).toEqual(
      expect.arrayContaining(["state last", "state slow", "attempt slow"]),
    );
    // One trace, the caller's, stored with the run: before and after the crash.
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([CALLER_TRACE]));
    // The run span, exported by the second process, began in the first (at RunStarted) and is the parent
    // of the steps of both processes.
    expect(run.parentSpanId).toBe(CALLER_SPAN);
    expect(run.startMs).toBeLessThan(killedAt);
    for (const name of ["state first", "state slow", "state last"]) {
      expect(spans.find((span) => span.name === name)?.parentSpanId, name).toBe(run.spanId);
    }
    // The step cut short is one span from its start before the crash to its end after, marked recovered.
    const slow = spans.filter((span) => span.name === "attempt slow");
    expect(slow).toHaveLength(1);
    expect(slow[0]?.startMs).toBeLessThan(killedAt);
    expect(slow[0]?.endMs).toBeGreaterThan(killedAt);
    expect(slow[0]?.events.map((event) => event.name)).toContain("recovered");
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length);
  }, 60_000);
});
