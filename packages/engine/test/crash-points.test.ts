import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Definition, isTerminalStatus, type RunSnapshot } from "@sagaflow/shared";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../src/actions/types";
import { FakeClock } from "../src/runtime/clock";
import { MemoryRunStore } from "../src/store/memory-store";
import { openSqliteStore } from "../src/store/sqlite";
import type { Commit, RunRecord, RunStore, StoredEvent } from "../src/store/types";
import { type Call, createHarness, type Harness, testActions } from "./helpers";

const scratch = mkdtempSync(path.join(tmpdir(), "sagaflow-crash-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A store that dies after `survive` commits: every later commit throws, as if the process crashed. */
class CrashingStore implements RunStore {
  commits = 0;
  crashed = false;
  constructor(
    private readonly inner: RunStore,
    private readonly survive: number,
  ) {}
  async commit<S>(commit: Commit<S>): Promise<StoredEvent[]> {
    if (this.commits >= this.survive) {
      this.crashed = true;
      throw new Error(`crash after commit ${this.survive}`);
    }
    this.commits += 1;
    return this.inner.commit(commit);
  }
  saveDefinition: RunStore["saveDefinition"] = (...args) => this.inner.saveDefinition(...args);
  getDefinition: RunStore["getDefinition"] = (...args) => this.inner.getDefinition(...args);
  listDefinitions: RunStore["listDefinitions"] = (...args) => this.inner.listDefinitions(...args);
  listDefinitionVersions: RunStore["listDefinitionVersions"] = (...args) =>
    this.inner.listDefinitionVersions(...args);
  archiveDefinition: RunStore["archiveDefinition"] = (...args) => this.inner.archiveDefinition(...args);
  getRun: RunStore["getRun"] = (...args) => this.inner.getRun(...args);
  getHistory: RunStore["getHistory"] = (...args) => this.inner.getHistory(...args);
  listRuns: RunStore["listRuns"] = (...args) => this.inner.listRuns(...args);
  listUnfinishedRunIds: RunStore["listUnfinishedRunIds"] = () => this.inner.listUnfinishedRunIds();
  restore: RunStore["restore"] = (...args) => this.inner.restore(...args);
  claimRun: RunStore["claimRun"] = (...args) => this.inner.claimRun(...args);
  releaseRun: RunStore["releaseRun"] = (...args) => this.inner.releaseRun(...args);
  renewLeases: RunStore["renewLeases"] = (...args) => this.inner.renewLeases(...args);
  close: RunStore["close"] = () => Promise.resolve();
}

/** Every state type; every task idempotent, so a crash anywhere can be recovered without a person. */
const definition: Definition = {
  name: "everything",
  startAt: "approve",
  states: {
    approve: { type: "signal", signal: "go", next: "fan" },
    fan: {
      type: "parallel",
      branches: {
        left: {
          startAt: "reserve",
          states: {
            reserve: {
              type: "task",
              action: "echo",
              params: { value: "R" },
              idempotent: true,
              compensateWith: "unreserve",
              end: true,
            },
            unreserve: {
              type: "compensation",
              action: "echo",
              params: { value: "{% 'undo ' & $steps.reserve %}" },
            },
          },
        },
        right: {
          startAt: "nap",
          states: {
            nap: { type: "wait", duration: "1s", next: "note" },
            note: {
              type: "task",
              action: "flaky",
              params: { failTimes: 1, output: "N" },
              idempotent: true,
              retry: { maxAttempts: 2, initialDelay: "1s" },
              next: "right_done",
            },
            right_done: { type: "succeed" },
          },
        },
      },
      next: "each",
    },
    each: {
      type: "map",
      items: [1, 2],
      maxConcurrency: 2,
      iterator: {
        startAt: "charge",
        states: {
          charge: {
            type: "task",
            action: "echo",
            params: { value: "{% $item * 10 %}" },
            idempotent: true,
            compensateWith: "refund",
            end: true,
          },
          refund: { type: "compensation", action: "echo", params: { value: "{% 'refund ' & $item %}" } },
        },
      },
      next: "poll",
    },
    poll: { type: "task", action: "visit", idempotent: true, compensateWith: "unpoll", next: "check" },
    check: {
      type: "choice",
      choices: [
        { when: "{% $steps.poll.n < 2 %}", next: "poll" },
        { when: "{% $input.fail %}", next: "race" },
      ],
      otherwise: "finish",
    },
    unpoll: {
      type: "compensation",
      action: "echo",
      params: { value: "{% 'unpoll ' & $string($steps.poll.n) %}" },
    },
    // Item false fails while item true's write is in flight: the write lands after its abort and is awaited.
    race: {
      type: "map",
      items: [false, true],
      maxConcurrency: 2,
      iterator: {
        startAt: "settle",
        states: {
          settle: {
            type: "task",
            action: "late",
            params: { ok: "{% $item %}" },
            idempotent: true,
            compensateWith: "unsettle",
            end: true,
          },
          unsettle: { type: "compensation", action: "echo", params: { value: "{% 'unsettle ' & $index %}" } },
        },
      },
      next: "stop",
    },
    stop: { type: "fail", error: "Stopped", message: "asked to fail" },
    finish: { type: "succeed", output: { fan: "{% $steps.fan %}", each: "{% $steps.each %}" } },
  },
};

/** Drives a run to its end: sends the signal when it is awaited, otherwise moves the clock. */
async function drive(
  h: Harness,
  runId: string,
  crashing?: CrashingStore,
): Promise<RunRecord<RunSnapshot> | undefined> {
  for (let i = 0; i < 1000; i += 1) {
    await h.engine.idle();
    if (crashing?.crashed) return undefined;
    const run = await h.engine.getRun(runId);
    if (!run) return undefined;
    if (isTerminalStatus(run.status)) return run;
    if (Object.values(run.snapshot.awaiting).some((awaited) => awaited.signal === "go")) {
      await h.engine.signal(runId, "go", { ok: true }, "tester").catch(() => undefined);
      continue;
    }
    if (!h.clock.fireNext()) return run;
  }
  throw new Error("did not finish");
}

/** Fails when ok is false; otherwise writes as its abort arrives (or, re-run after a crash, a second later). */
function lateAction(clock: FakeClock, calls: Call[]) {
  return defineAction({
    name: "late",
    description: "outraces its abort",
    params: z.object({ ok: z.boolean() }),
    effect: "write",
    handler: (params, ctx) => {
      calls.push({ action: "late", key: ctx.idempotencyKey, attempt: ctx.attempt, params });
      if (!params.ok) return Promise.reject(Object.assign(new Error("asked to fail"), { name: "Stopped" }));
      return new Promise((resolve) => {
        const timer = clock.setTimer(1000, () => resolve({ wrote: ctx.idempotencyKey }));
        ctx.signal.addEventListener("abort", () => {
          clock.clearTimer(timer);
          resolve({ wrote: ctx.idempotencyKey });
        });
      });
    },
  });
}

const invocation = (call: Call) => `${call.action}|${call.key}|${call.attempt}`;

function count(calls: Call[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(invocation(call), (counts.get(invocation(call)) ?? 0) + 1);
  return counts;
}

type Opener = { name: string; open: (n: number) => { first: RunStore; reopen: () => RunStore } };

const openers: Opener[] = [
  {
    name: "memory",
    open: () => {
      const store = new MemoryRunStore();
      return { first: store, reopen: () => store };
    },
  },
  {
    name: "sqlite file",
    open: (n) => {
      const file = path.join(scratch, `crash-${n}-${Math.random().toString(36).slice(2)}.db`);
      return { first: openSqliteStore(file), reopen: () => openSqliteStore(file) };
    },
  },
];

async function runOnce(input: { fail: boolean }, survive: number, opener: Opener) {
  const { first, reopen } = opener.open(survive);
  const crashing = new CrashingStore(first, survive);
  const clock = new FakeClock();
  const calls: Call[] = [];
  const actions = [...testActions(calls), lateAction(clock, calls)];
  const a = createHarness(crashing, { clock, calls, actions });
  try {
    await a.engine.start(definition, input, { runId: "x" });
  } catch {
    return { crashedAt: survive, run: undefined, calls, commits: crashing.commits };
  }
  const direct = await drive(a, "x", crashing);
  if (direct) return { crashedAt: null, run: direct, calls, commits: crashing.commits };
  // The process died: a new engine opens the same data and recovers.
  const b = createHarness(reopen(), { clock, calls, actions });
  const report = await b.engine.recover();
  expect(report.suspended).toEqual([]);
  const run = await drive(b, "x");
  expect(await b.engine.verify("x")).toMatchObject({ ok: true });
  return { crashedAt: survive, run, calls, commits: crashing.commits };
}

describe.each(openers)("crash after every commit ($name)", (opener) => {
  it.each([{ fail: false }, { fail: true }])(
    "input %o: same end, same invocations",
    async (input) => {
      const baseline = await runOnce(input, Number.POSITIVE_INFINITY, opener);
      expect(baseline.run?.status).toBe(input.fail ? "compensated" : "succeeded");
      if (input.fail) {
        // The race happened: the late write was awaited and is the first one undone.
        expect(baseline.run?.snapshot.compensated[0]).toMatchObject({
          taskStateId: "settle",
          scope: "race[1]",
        });
      }
      const expected = count(baseline.calls);
      expect(baseline.commits).toBeGreaterThan(10);

      let repeated = 0;
      for (let survive = 1; survive < baseline.commits; survive += 1) {
        const crashed = await runOnce(input, survive, opener);
        expect(crashed.crashedAt, `commit ${survive + 1} should crash`).toBe(survive);
        const run = crashed.run;
        expect(run?.status, `crash after commit ${survive}`).toBe(baseline.run?.status);
        expect(run?.snapshot.output).toEqual(baseline.run?.snapshot.output);
        expect(run?.snapshot.error).toEqual(baseline.run?.snapshot.error);
        expect(run?.snapshot.steps).toEqual(baseline.run?.snapshot.steps);
        expect(run?.snapshot.compensated).toEqual(baseline.run?.snapshot.compensated);
        // Nothing skipped, nothing new; an invocation repeats at most once (the attempt the crash cut off).
        const actual = count(crashed.calls);
        expect([...actual.keys()].sort(), `crash after commit ${survive}`).toEqual(
          [...expected.keys()].sort(),
        );
        for (const [key, times] of actual) {
          expect(
            times - (expected.get(key) ?? 0),
            `${key} after a crash at ${survive}`,
          ).toBeGreaterThanOrEqual(0);
          expect(times - (expected.get(key) ?? 0), `${key} after a crash at ${survive}`).toBeLessThanOrEqual(
            1,
          );
          repeated += times - (expected.get(key) ?? 0);
        }
      }
      // Crashes between an action's end and its commit did happen, and were recovered by re-running it.
      expect(repeated).toBeGreaterThan(0);
      expect(repeated).toBeLessThan(baseline.commits);
      // One engine per commit (a SQLite file opened and migrated each time): ~4 s on a quiet machine.
    },
    60_000,
  );
});
