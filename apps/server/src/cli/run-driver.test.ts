import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { builtinActions, Engine, openSqliteStore } from "@sagaflow/engine";
import { afterAll, describe, expect, it } from "vitest";
import { dispatch } from "./dispatch";

/**
 * Two drivers of one SQLite file, as two processes would be: a blocking `sagaflow run` waiting for a
 * signal, and another engine that delivers it, starts a durable wait, and dies. The run command must
 * print what the other one committed, take the run back once its timer is overdue, and finish it.
 */

const cwd = mkdtempSync(path.join(tmpdir(), "sagaflow-driver-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const definition = path.join(cwd, "signal-then-wait.json");
writeFileSync(
  definition,
  JSON.stringify({
    name: "signal-then-wait",
    startAt: "ask",
    states: {
      ask: { type: "signal", signal: "go", next: "pause" },
      pause: { type: "wait", duration: "300ms", next: "done" },
      done: { type: "succeed", output: "{% $steps.ask %}" },
    },
  }),
);

describe("RunDriver with another process on the same database", () => {
  it("follows the other engine's progress, then takes the abandoned run back and ends it", {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = [];
    let runId: string | undefined;
    let announce: (id: string) => void = () => {};
    const waiting = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const io = {
      out: (line: string) => {
        lines.push(line);
        const hint = /sagaflow signal (\S+) go/.exec(line);
        if (hint && runId === undefined) {
          runId = hint[1] as string;
          announce(runId);
        }
      },
      err: (line: string) => lines.push(`stderr: ${line}`),
      cwd,
    };
    const blockingRun = dispatch(["run", definition, "--db", "runs.db"], io);
    const id = await waiting;

    // The other process: delivers the signal, commits the start of the wait, and dies before the timer fires.
    const store = openSqliteStore(path.join(cwd, "runs.db"));
    const other = new Engine({ store, actions: builtinActions });
    await other.signal(id, "go", { ok: true }, "someone-else");
    await other.waitFor(id, { until: ["waiting"] });
    await other.close();
    await store.close();

    expect(await blockingRun).toBe(0);
    const text = lines.join("\n");
    expect(text).toContain('✉ ask: signal "go" received from someone-else');
    expect(text).toContain("⏸ pause: waiting until");
    expect(text).toContain("⏵ pause: waited");
    expect(text).toContain('[SUCCEEDED] Workflow completed at done\nOutput: {"ok":true}');
    // Every line once: what the other engine committed is not printed again after the takeover.
    expect(lines.filter((line) => line.includes("received from"))).toHaveLength(1);
  });
});
