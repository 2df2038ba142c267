import type { Definition, RunEvent, RunSnapshot } from "@sagaflow/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fold } from "../core/fold";
import { createJsonataEvaluator } from "../core/jsonata-evaluator";
import { simulatedBuiltins } from "../core/pure-builtins";
import { simulate } from "../core/simulate";
import { ConcurrentModificationError, LeaseHeldError } from "../errors";
import { verifyChain } from "../history/hash";
import type { Commit, EventRecord, RunStore } from "../store/types";

/**
 * The RunStore contract, as one suite every store runs (memory and SQLite now, PostgreSQL when it comes):
 * what the engine relies on, said once. A store passes it or is not a store.
 */

export interface OpenedStore {
  store: RunStore;
  /** Closes the store and removes what it made. */
  cleanup(): Promise<void>;
}

const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second)).toISOString();
const events = (...types: string[]): EventRecord[] => types.map((type, index) => ({ type, index }));

function create(runId: string, overrides: Partial<Commit> = {}): Commit {
  return {
    runId,
    expectedSeq: 0,
    create: { workflow: "contract", version: 1 },
    at: at(0),
    events: events("RunStarted", "StateEntered"),
    snapshot: { step: 0 },
    status: "running",
    wakeAt: null,
    ...overrides,
  };
}

function next(runId: string, expectedSeq: number, overrides: Partial<Commit> = {}): Commit {
  return {
    runId,
    expectedSeq,
    at: at(expectedSeq),
    events: events("StepSucceeded"),
    snapshot: { step: expectedSeq },
    status: "running",
    wakeAt: null,
    ...overrides,
  };
}

const definition = (name: string, title: string): Definition => ({
  name,
  title,
  startAt: "done",
  states: { done: { type: "succeed" } },
});

/**
 * A real run's history (a chain of 40 states with sizeable outputs, so its snapshot outgrows the events of
 * several steps) and the fold after each of its events.
 */
async function realHistory(): Promise<{ events: { event: RunEvent; at: string }[]; folds: RunSnapshot[] }> {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < 40; i++) {
    states[`s${i}`] = {
      type: "task",
      action: "transform",
      params: { value: { i, text: "y".repeat(300) } },
      ...(i + 1 < 40 ? { next: `s${i + 1}` } : { end: true }),
    };
  }
  const result = await simulate({
    definition: { name: "contract-chain", startAt: "s0", states } as Definition,
    evaluate: createJsonataEvaluator(),
    actions: simulatedBuiltins(),
    runId: "real",
  });
  const folds: RunSnapshot[] = [];
  let snapshot: RunSnapshot | undefined;
  for (const { event, at: time } of result.history) {
    snapshot = fold(snapshot, event, time);
    folds.push(snapshot);
  }
  return { events: result.history, folds };
}

export function describeRunStore(name: string, open: () => Promise<OpenedStore>): void {
  describe(`RunStore contract: ${name}`, () => {
    let opened: OpenedStore;
    let store: RunStore;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(() => opened.cleanup());

    it("numbers events from 1, chains their hashes, and keeps the checkpoint with them", async () => {
      const first = await store.commit(create("r1"));
      const second = await store.commit(next("r1", 2, { status: "waiting", wakeAt: at(60) }));
      expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(second[0]?.prevHash).toBe(first[1]?.hash);
      const history = await store.getHistory("r1");
      expect(verifyChain(history)).toEqual({ ok: true, lastSeq: 3 });
      expect(await store.getRun("r1")).toMatchObject({
        lastSeq: 3,
        lastHash: second[0]?.hash,
        status: "waiting",
        wakeAt: at(60),
        snapshot: { step: 2 },
        workflow: "contract",
        version: 1,
      });
      expect((await store.getHistory("r1", { afterSeq: 1, limit: 1 })).map((e) => e.seq)).toEqual([2]);
    });

    it("a run's snapshot reads as the fold of its history after every commit, and after a restore", async () => {
      const { events: history, folds } = await realHistory();
      const commitAt = (i: number): Commit<RunSnapshot> => {
        const snapshot = folds[i] as RunSnapshot;
        return {
          runId: "real",
          expectedSeq: i,
          ...(i === 0 ? { create: { workflow: "contract-chain", version: 1 } } : {}),
          at: history[i]?.at ?? "",
          events: [history[i]?.event as RunEvent],
          snapshot,
          status: snapshot.status,
          wakeAt: null,
        };
      };
      const last = history.length - 1;
      for (let i = 0; i < last; i++) {
        await store.commit(commitAt(i));
        // Every few commits (each read folds what the stored snapshot lacks), and the last ones.
        if (i % 7 === 0 || i > last - 3) {
          expect((await store.getRun("real"))?.snapshot).toEqual(folds[i]);
        }
      }
      expect((await store.listRuns()).runs.find((run) => run.id === "real")?.snapshot).toEqual(
        folds[last - 1],
      );
      // A restore cuts the history back and writes its own snapshot; commits go on from there.
      const keep = Math.floor(last / 2);
      await store.restore({ ...commitAt(keep), expectedSeq: last, keepThroughSeq: keep });
      expect((await store.getRun("real"))?.snapshot).toEqual(folds[keep]);
      for (let i = keep + 1; i <= last; i++) await store.commit(commitAt(i));
      expect(await store.getRun("real")).toMatchObject({ status: "succeeded", snapshot: folds[last] });
      expect(verifyChain(await store.getHistory("real")).ok).toBe(true);
    });

    it("refuses a stale checkpoint and a second creation, changing nothing", async () => {
      await store.commit(create("r1"));
      await expect(store.commit(next("r1", 1))).rejects.toBeInstanceOf(ConcurrentModificationError);
      await expect(store.commit(create("r1"))).rejects.toBeInstanceOf(ConcurrentModificationError);
      expect((await store.getHistory("r1")).length).toBe(2);
    });

    it("moves a run to another version with the commit of its move, and only then", async () => {
      await store.commit(create("r1"));
      await store.commit(next("r1", 2, { events: events("RunMovedToVersion"), version: 3 }));
      expect(await store.getRun("r1")).toMatchObject({ version: 3, lastSeq: 3 });
      await store.commit(next("r1", 3));
      expect((await store.getRun("r1"))?.version).toBe(3);
      // A refused commit moves nothing.
      await expect(store.commit(next("r1", 1, { version: 4 }))).rejects.toBeInstanceOf(
        ConcurrentModificationError,
      );
      expect((await store.getRun("r1"))?.version).toBe(3);
    });

    it("restores a history to a checkpoint and chains new events from it", async () => {
      await store.commit(create("r1"));
      await store.commit(next("r1", 2));
      const restored = await store.restore({
        ...next("r1", 3, { events: events("RunResumed"), snapshot: { restored: true } }),
        keepThroughSeq: 2,
      });
      expect(restored.map((e) => e.seq)).toEqual([3]);
      expect(verifyChain(await store.getHistory("r1"))).toEqual({ ok: true, lastSeq: 3 });
      expect((await store.getRun("r1"))?.snapshot).toEqual({ restored: true });
    });

    it("lists unfinished runs and pages runs newest first", async () => {
      await store.commit(create("a", { at: at(1) }));
      await store.commit(create("b", { at: at(2), status: "succeeded" }));
      await store.commit(create("c", { at: at(3), status: "waiting" }));
      expect((await store.listUnfinishedRunIds()).sort()).toEqual(["a", "c"]);
      const page = await store.listRuns({ limit: 2 });
      expect(page.runs.map((r) => r.id)).toEqual(["c", "b"]);
      const rest = await store.listRuns({ limit: 2, cursor: page.nextCursor ?? "" });
      expect(rest.runs.map((r) => r.id)).toEqual(["a"]);
      expect(rest.nextCursor).toBeNull();
      expect((await store.listRuns({ status: ["waiting"] })).runs.map((r) => r.id)).toEqual(["c"]);
    });

    it("keeps every definition version immutable, numbered from 1", async () => {
      expect((await store.saveDefinition(definition("d", "one"), at(0))).version).toBe(1);
      expect((await store.saveDefinition(definition("d", "two"), at(1))).version).toBe(2);
      expect((await store.getDefinition("d", 1))?.definition.title).toBe("one");
      expect((await store.getDefinition("d"))?.version).toBe(2);
      expect((await store.listDefinitions()).map((d) => [d.name, d.latestVersion])).toEqual([["d", 2]]);
      await store.archiveDefinition("d", true);
      expect(await store.listDefinitions()).toEqual([]);
      expect((await store.listDefinitions({ includeArchived: true })).length).toBe(1);
    });

    describe("leases", () => {
      it("a claim holds against other owners until it expires, and is released by its owner", async () => {
        await store.commit(create("r1"));
        expect(await store.claimRun("r1", "w1", at(30), at(0))).toBe(true);
        expect(await store.claimRun("r1", "w2", at(30), at(10))).toBe(false);
        expect(await store.claimRun("r1", "w1", at(40), at(10))).toBe(true);
        expect(await store.claimRun("r1", "w2", at(90), at(41))).toBe(true);
        await store.releaseRun("r1", "w2");
        expect(await store.claimRun("r1", "w3", at(99), at(42))).toBe(true);
        expect(await store.claimRun("missing", "w1", at(30), at(0))).toBe(false);
      });

      it("ride in commits: created claimed, renewed by each commit, refused to another owner", async () => {
        await store.commit(create("r1", { lease: { owner: "w1", until: at(30) } }));
        expect(await store.claimRun("r1", "w2", at(60), at(10))).toBe(false);
        await store.commit(next("r1", 2, { at: at(20), lease: { owner: "w1", until: at(50) } }));
        expect(await store.claimRun("r1", "w2", at(60), at(40))).toBe(false);
        await expect(
          store.commit(next("r1", 3, { at: at(45), lease: { owner: "w2", until: at(90) } })),
        ).rejects.toBeInstanceOf(LeaseHeldError);
        expect((await store.getRun("r1"))?.lastSeq).toBe(3);
        // Expired: another owner's commit takes the run over.
        await store.commit(next("r1", 3, { at: at(51), lease: { owner: "w2", until: at(90) } }));
        expect(await store.claimRun("r1", "w1", at(99), at(60))).toBe(false);
      });

      it("a terminal commit releases the lease; renewLeases extends an owner's unfinished runs", async () => {
        await store.commit(create("done", { lease: { owner: "w1", until: at(30) } }));
        await store.commit(next("done", 2, { status: "succeeded", lease: { owner: "w1", until: at(30) } }));
        expect(await store.claimRun("done", "w2", at(60), at(5))).toBe(true);
        await store.commit(create("open", { lease: { owner: "w1", until: at(30) } }));
        await store.renewLeases("w1", at(100));
        expect(await store.claimRun("open", "w2", at(120), at(50))).toBe(false);
        expect(await store.claimRun("open", "w2", at(120), at(100))).toBe(true);
      });
    });
  });
}
