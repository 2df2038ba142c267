import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { MemoryRunStore } from "../src/store/memory-store";
import { createHarness, runToEnd } from "./helpers";

/*
 * EngineOptions.onCommit hears each commit once, with its events in order and the run as it stands after
 * it; onEvent hears the same events one by one, after the commit's onCommit. A listener that throws is
 * logged and the run goes on.
 */

const definition: Definition = {
  name: "listened",
  startAt: "one",
  states: {
    one: { type: "task", action: "echo", params: { value: 1 }, next: "two" },
    two: { type: "task", action: "echo", params: { value: 2 }, next: "done" },
    done: { type: "succeed" },
  },
} as Definition;

describe("commit listeners", () => {
  it("onCommit hears every commit once, before onEvent hears its events, with the run after it", async () => {
    const heard: string[] = [];
    const commits: { seqs: number[]; lastSeq: number; status: string }[] = [];
    const h = createHarness(new MemoryRunStore(), {
      onCommit: (events, run) => {
        heard.push(`commit ${events.map((stored) => stored.seq).join(",")}`);
        commits.push({ seqs: events.map((stored) => stored.seq), lastSeq: run.lastSeq, status: run.status });
      },
      onEvent: (stored) => heard.push(`event ${stored.seq}`),
    });
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("succeeded");

    const history = await h.store.getHistory("run-1");
    // Every event heard once, in order, in commits of one or more.
    expect(commits.flatMap((commit) => commit.seqs)).toEqual(history.map((stored) => stored.seq));
    expect(commits.length).toBeGreaterThan(1);
    expect(commits.length).toBeLessThan(history.length);
    for (const commit of commits) expect(commit.lastSeq).toBe(commit.seqs[commit.seqs.length - 1]);
    expect(commits[commits.length - 1]?.status).toBe("succeeded");
    // Each commit's line comes right before its events' lines.
    const expected = commits.flatMap((commit) => [
      `commit ${commit.seqs.join(",")}`,
      ...commit.seqs.map((seq) => `event ${seq}`),
    ]);
    expect(heard).toEqual(expected);
  });

  it("a listener that throws is logged and the run still ends", async () => {
    const warnings: string[] = [];
    const h = createHarness(new MemoryRunStore(), {
      onCommit: () => {
        throw new Error("listener broke");
      },
      onEvent: () => {
        throw new Error("listener broke too");
      },
      logger: {
        info() {},
        warn: (message, fields) => warnings.push(`${message}: ${String(fields?.error)}`),
        error() {},
      },
    });
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("succeeded");
    expect(warnings).toContain("onCommit listener failed: Error: listener broke");
    expect(warnings).toContain("onEvent listener failed: Error: listener broke too");
  });
});
