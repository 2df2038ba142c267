import type { Definition, RunSnapshot } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { builtinActions } from "../actions/builtin";
import { hashEvent } from "../history/hash";
import { MemoryRunStore } from "../store/memory-store";
import type { RunRecord, StoredEvent } from "../store/types";
import { Engine } from "./engine";
import { HistoryVerifier, verifyHistory } from "./verify";

/*
 * `HistoryVerifier` takes a history in pages and gives `verifyHistory`'s verdict on the whole of it,
 * wherever the pages are cut and whatever is wrong: a broken link, a bad count, a history that does not
 * fold, a snapshot that is not its fold.
 */

const chain: Definition = {
  name: "verified",
  startAt: "one",
  states: {
    one: { type: "task", action: "transform", params: { value: "{% $input.n %}" }, next: "two" },
    two: { type: "task", action: "transform", params: { value: 2 }, next: "three" },
    three: { type: "task", action: "transform", params: { value: 3 }, next: "done" },
    done: { type: "succeed" },
  },
} as Definition;

async function finishedRun(): Promise<{ record: RunRecord<RunSnapshot>; history: StoredEvent[] }> {
  const store = new MemoryRunStore();
  const engine = new Engine({ store, actions: builtinActions });
  try {
    const runId = await engine.start(chain, { n: 1 });
    await engine.waitFor(runId);
    const record = (await store.getRun<RunSnapshot>(runId)) as RunRecord<RunSnapshot>;
    return { record, history: await store.getHistory(runId) };
  } finally {
    await engine.close();
  }
}

/** The events numbered from 1 and hash-linked again: a sound chain of whatever they are. */
function rechained(events: readonly StoredEvent[]): StoredEvent[] {
  let prevHash = "";
  return events.map((stored, index) => {
    const entry = { ...stored, seq: index + 1, prevHash };
    entry.hash = hashEvent(prevHash, entry);
    prevHash = entry.hash;
    return entry;
  });
}

function paged(record: RunRecord<unknown>, history: readonly StoredEvent[], size: number) {
  const verifier = new HistoryVerifier();
  for (let at = 0; at < history.length; at += size) {
    if (!verifier.add(history.slice(at, at + size))) break;
  }
  return verifier.verdict(record);
}

describe("HistoryVerifier", () => {
  it("gives verifyHistory's verdict on the whole, for every cut into pages", async () => {
    const { record, history } = await finishedRun();
    expect(history.length).toBeGreaterThan(4);
    const broken = history.map((stored, index) =>
      index === 3 ? { ...stored, hash: stored.hash.replace(/^./, (c) => (c === "0" ? "1" : "0")) } : stored,
    );
    const unfoldable = rechained(history.slice(1));
    const cases: [string, RunRecord<unknown>, StoredEvent[]][] = [
      ["sound", record, history],
      ["a broken link", record, broken],
      ["a history shorter than the run", record, history.slice(0, -1)],
      [
        "a snapshot that is not the fold",
        { ...record, snapshot: { ...record.snapshot, status: "failed" } },
        history,
      ],
      [
        "a history that does not fold (its start cut off)",
        { ...record, lastSeq: unfoldable.length },
        unfoldable,
      ],
    ];
    for (const [what, run, events] of cases) {
      const whole = verifyHistory(run, events);
      for (const size of [1, 2, 3, events.length])
        expect(paged(run, events, size), `${what}, pages of ${size}`).toEqual(whole);
    }
    expect(verifyHistory(record, history)).toEqual({ ok: true, lastSeq: history.length });
    expect(verifyHistory(record, broken)).toMatchObject({ ok: false, lastGoodSeq: 3, badSeq: 4 });
    expect(verifyHistory(record, history.slice(0, -1))).toMatchObject({ ok: false, badSeq: null });
    expect(verifyHistory({ ...record, lastSeq: unfoldable.length }, unfoldable)).toMatchObject({
      ok: false,
      lastGoodSeq: 0,
      reason: expect.stringMatching(/does not fold/),
    });
  });

  it("engine.verify reads a history longer than a page, and finds a tampered event past the first page", async () => {
    const steps = 1_300; // ~5.5 events a step: a history over VERIFY_PAGE (5,000), so verify reads two pages
    const loop = {
      name: "verified-loop",
      startAt: "step",
      states: {
        step: {
          type: "task",
          action: "transform",
          params: { value: "{% $exists($steps.step) ? $steps.step + 1 : 1 %}" },
          maxVisits: steps,
          next: "more",
        },
        more: {
          type: "choice",
          maxVisits: steps,
          choices: [{ when: `{% $steps.step < ${steps} %}`, next: "step" }],
          otherwise: "done",
        },
        done: { type: "succeed" },
      },
    } as Definition;
    const store = new MemoryRunStore();
    const engine = new Engine({ store, actions: builtinActions });
    try {
      const runId = await engine.start(loop, {});
      await engine.waitFor(runId);
      const history = await store.getHistory(runId);
      expect(history.length).toBeGreaterThan(5_000);
      expect(await engine.verify(runId)).toEqual({ ok: true, lastSeq: history.length });
      // One event on the second page changed in the store: its hash no longer matches.
      const tampered = store.rawHistory(runId)[5_002] as StoredEvent;
      tampered.event = { ...tampered.event, tampered: true };
      expect(await engine.verify(runId)).toMatchObject({ ok: false, lastGoodSeq: 5_002, badSeq: 5_003 });
    } finally {
      await engine.close();
    }
  }, 60_000);
});
