import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Definition } from "@sagaflow/shared";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../src/actions/types";
import { MemoryRunStore } from "../src/store/memory-store";
import { PostgresRunStore } from "../src/store/postgres";
import { tamperPostgresEvent, tamperPostgresSnapshot } from "../src/store/postgres/testing";
import { openSqliteStore, type SqliteRunStore } from "../src/store/sqlite";
import type { RunStore } from "../src/store/types";
import { flipByte, tamperEvent, tamperSnapshot } from "../src/testing";
import { type Call, createHarness, openStore, STORE_KINDS, testActions } from "./helpers";

const scratch = mkdtempSync(path.join(tmpdir(), "sagaflow-recovery-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `slow` hangs in the first process and answers in the second: the crash happened mid-attempt. */
function slowAction(hangs: boolean, calls: Call[]) {
  return defineAction({
    name: "slow",
    description: "hangs or answers",
    params: z.record(z.string(), z.unknown()),
    effect: "write",
    handler: (params, ctx) => {
      calls.push({ action: "slow", key: ctx.idempotencyKey, attempt: ctx.attempt, params });
      if (!hangs) return Promise.resolve({ done: ctx.idempotencyKey });
      return new Promise((_resolve, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
      );
    },
  });
}

function interrupted(idempotent: boolean): Definition {
  return {
    name: "interrupted",
    startAt: "prepare",
    states: {
      prepare: { type: "task", action: "echo", params: { value: 1 }, next: "work" },
      work: { type: "task", action: "slow", idempotent, next: "pause" },
      pause: { type: "wait", duration: "1h", next: "finish" },
      finish: { type: "succeed", output: "{% $steps.work %}" },
    },
  };
}

describe.each(STORE_KINDS)("recovery (%s store)", (kind) => {
  async function crashMidAttempt(idempotent: boolean) {
    const store = openStore(kind);
    const calls: Call[] = [];
    const first = createHarness(store, { calls, actions: [...testActions(calls), slowAction(true, calls)] });
    await first.engine.start(interrupted(idempotent), {}, { runId: "r" });
    await first.engine.idle();
    await first.engine.close(); // the process dies with `work` in flight
    const second = createHarness(store, {
      calls,
      clock: first.clock,
      actions: [...testActions(calls), slowAction(false, calls)],
    });
    return { second, calls, report: await second.engine.recover() };
  }

  it("re-runs an interrupted idempotent attempt with the same key, then re-arms the durable timer", async () => {
    const { second, calls, report } = await crashMidAttempt(true);
    expect(report).toEqual({ continued: ["r"], suspended: [] });
    const run = await second.settle("r");
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toEqual({ done: "r:work:1" });
    expect(calls.map((c) => `${c.action}:${c.key}#${c.attempt}`)).toEqual([
      "echo:r:prepare:1#1",
      "slow:r:work:1#1",
      "slow:r:work:1#1",
    ]);
    expect(await second.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("suspends a run whose non-idempotent attempt was interrupted: outcome unknown; a person resolves or retries it", async () => {
    const { second, calls, report } = await crashMidAttempt(false);
    expect(report).toEqual({ continued: [], suspended: ["r"] });
    const suspended = await second.engine.getRun("r");
    expect(suspended?.status).toBe("suspended");
    expect(suspended?.snapshot.suspension).toMatchObject({ reason: "outcome_unknown", stateId: "work" });
    expect(suspended?.snapshot.suspension?.message).toMatch(/outcome unknown/);
    expect(calls.filter((c) => c.action === "slow")).toHaveLength(1);

    await second.engine.resolveStep("r", { output: { done: "checked by hand" }, by: "frank" });
    const run = await second.settle("r");
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toEqual({ done: "checked by hand" });
    expect(calls.filter((c) => c.action === "slow")).toHaveLength(1);

    const retried = await crashMidAttempt(false);
    await retried.second.engine.resume("r", "frank");
    const again = await retried.second.settle("r");
    expect(again.status).toBe("succeeded");
    expect(retried.calls.filter((c) => c.action === "slow").map((c) => `${c.key}#${c.attempt}`)).toEqual([
      "r:work:1#1",
      "r:work:1#2",
    ]);
  });
});

/** Damages a stored event or snapshot behind the store's back. */
async function damage(store: RunStore, target: { event: number } | "snapshot"): Promise<void> {
  if (store instanceof MemoryRunStore) {
    if (target === "snapshot") {
      const run = store.rawRun("c");
      if (!run) throw new Error("no run c");
      (run.snapshot as { steps: Record<string, unknown> }).steps.b = "tampered";
    } else {
      const stored = store.rawHistory("c")[target.event - 1];
      if (stored) stored.event = { ...stored.event, output: "tampered" };
    }
    return;
  }
  if (store instanceof PostgresRunStore) {
    if (target === "snapshot")
      await tamperPostgresSnapshot(store, "c", (json) => json.replace('"b":"B"', '"b":"C"'));
    else
      await tamperPostgresEvent(store, "c", target.event, (json) =>
        flipByte(json, json.indexOf('"output"') + 2),
      );
    return;
  }
  const sqlite = store as SqliteRunStore;
  if (target === "snapshot") tamperSnapshot(sqlite, "c", (json) => json.replace('"b":"B"', '"b":"C"'));
  else tamperEvent(sqlite, "c", target.event, (json) => flipByte(json, json.indexOf('"output"') + 2));
}

describe.each(STORE_KINDS)("corruption (%s store)", (kind) => {
  const definition: Definition = {
    name: "corrupt",
    startAt: "a",
    states: {
      a: { type: "task", action: "echo", params: { value: "A" }, idempotent: true, next: "b" },
      b: { type: "task", action: "echo", params: { value: "B" }, idempotent: true, next: "pause" },
      pause: { type: "wait", duration: "1h", next: "done" },
      done: { type: "succeed", output: "{% $steps.a & $steps.b %}" },
    },
  };

  async function damagedRun(target: { event: number } | "snapshot") {
    const store = openStore(kind);
    const first = createHarness(store);
    await first.engine.start(definition, {}, { runId: "c" });
    await first.engine.idle();
    expect((await first.engine.getRun("c"))?.status).toBe("waiting");
    await first.engine.close();
    // Events: 1 RunStarted, 2 StateEntered a, 3 StepAttemptStarted a, 4 StepSucceeded a, …
    await damage(store, target);
    const second = createHarness(store, { clock: first.clock, calls: first.calls });
    return { second, report: await second.engine.recover() };
  }

  it("a flipped byte in an event: detected, the run suspends naming the last good event; restore finishes it", async () => {
    const { second, report } = await damagedRun({ event: 4 });
    expect(report.suspended).toEqual(["c"]);
    const run = await second.engine.getRun("c");
    expect(run?.status).toBe("suspended");
    expect(run?.snapshot.suspension).toMatchObject({ reason: "corrupt_history", lastGoodSeq: 3 });
    expect(run?.snapshot.suspension?.message).toMatch(/event 4/);
    expect(await second.engine.verify("c")).toMatchObject({ ok: false, lastGoodSeq: 3, badSeq: 4 });
    await expect(second.engine.resume("c")).rejects.toThrow(/restore/);

    await second.engine.restoreFromCheckpoint("c", "grace");
    const finished = await second.settle("c");
    expect(finished.status).toBe("succeeded");
    expect(finished.snapshot.output).toBe("AB");
    expect(await second.engine.verify("c")).toMatchObject({ ok: true });
    const history = await second.store.getHistory("c");
    expect(history[3]?.event).toMatchObject({ type: "HistoryRestored", by: "grace", keepThroughSeq: 3 });
  });

  it("a changed snapshot: detected against the fold, suspended naming the last event; restore finishes it", async () => {
    const { second, report } = await damagedRun("snapshot");
    expect(report.suspended).toEqual(["c"]);
    const run = await second.engine.getRun("c");
    expect(run?.snapshot.suspension).toMatchObject({ reason: "corrupt_history", lastGoodSeq: 9 });
    expect(run?.snapshot.suspension?.message).toMatch(/snapshot/);
    await second.engine.restoreFromCheckpoint("c");
    const finished = await second.settle("c");
    expect(finished.status).toBe("succeeded");
    expect(finished.snapshot.output).toBe("AB");
    expect(second.calls).toHaveLength(2);
  });
});

describe("recovery from a SQLite file reopened by a new process", () => {
  it("continues a waiting run from the file", async () => {
    const file = path.join(scratch, "reopen.db");
    const first = createHarness(openSqliteStore(file));
    const definition = interrupted(true);
    definition.states.work = { type: "task", action: "echo", params: { value: "w" }, next: "pause" };
    await first.engine.start(definition, {}, { runId: "f" });
    await first.engine.idle();
    await first.engine.close();
    await first.store.close();
    const second = createHarness(openSqliteStore(file), { clock: first.clock, calls: first.calls });
    await second.engine.recover();
    const run = await second.settle("f");
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toBe("w");
    expect(first.calls).toHaveLength(2);
    await second.store.close();
  });
});
