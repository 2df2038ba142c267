import {
  applyEvent,
  builtinActions,
  Engine,
  MemoryRunStore,
  type RunRecord,
  type StoredEvent,
} from "@sagaflow/engine";
import type { Definition, RunEvent, RunSnapshot } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { type RunAfter, RunTrace, type SpanOp } from "./run-trace";

/**
 * RunTrace on real histories (the real engine, in memory): every span it starts ends once, parents come
 * first, and a process that replays any prefix of the history has the same spans open and goes on with the
 * same operations as the process that lived through it. That is what makes a trace survive a crash.
 */

const saga: Definition = {
  name: "trace-shapes",
  startAt: "prepare",
  states: {
    prepare: {
      type: "task",
      action: "transform",
      params: { value: { items: [1, 2] } },
      effect: "write",
      compensateWith: "unprepare",
      next: "fan",
    },
    fan: {
      type: "parallel",
      branches: {
        left: {
          startAt: "l1",
          states: { l1: { type: "task", action: "delay", params: { duration: "5ms" }, end: true } },
        },
        right: {
          startAt: "each",
          states: {
            each: {
              type: "map",
              items: "{% $input.items %}",
              iterator: {
                startAt: "m1",
                states: {
                  m1: { type: "task", action: "transform", params: { value: "{% $item %}" }, end: true },
                },
              },
              end: true,
            },
          },
        },
      },
      next: "pause",
    },
    pause: { type: "wait", duration: "5ms", next: "check" },
    check: { type: "choice", choices: [{ when: "{% $input.fail %}", next: "ship" }], otherwise: "done" },
    ship: {
      type: "task",
      action: "assert",
      params: { that: false, error: "ShippingUnavailable" },
      effect: "write",
      compensateWith: null,
      next: "done",
    },
    unprepare: { type: "compensation", action: "log", params: { message: "undone" } },
    done: { type: "succeed" },
  },
};

async function history(input: Record<string, unknown>) {
  const events: { stored: StoredEvent<RunEvent>; after: RunAfter | undefined }[] = [];
  let run: RunRecord<RunSnapshot> | undefined;
  const engine = new Engine({
    store: new MemoryRunStore(),
    actions: builtinActions,
    onEvent: (stored, record) => {
      run = record;
      const last = stored.seq === record.lastSeq;
      events.push({
        stored,
        after: last ? { status: record.status, error: record.snapshot.error } : undefined,
      });
    },
  });
  const runId = await engine.start(saga, { items: [1, 2], ...input });
  await engine.waitFor(runId);
  await engine.close();
  if (!run) throw new Error("no events");
  return { events, run };
}

const live = (run: RunRecord<RunSnapshot>) =>
  new RunTrace({ id: run.id, workflow: run.workflow, version: run.version });

describe("RunTrace", () => {
  for (const [label, input, status] of [
    ["a run that succeeds", {}, "succeeded"],
    ["a run that compensates", { fail: true }, "compensated"],
  ] as const) {
    it(`${label}: every span ends once, under a parent started before it`, async () => {
      const { events, run } = await history(input);
      expect(run.status).toBe(status);
      const trace = live(run);
      const ops = events.flatMap(({ stored, after }) => trace.apply(stored, after));
      const started = ops.flatMap((op) => (op.op === "start" ? [op.span] : []));
      const ended = ops.flatMap((op) => (op.op === "end" ? [op.key] : []));
      expect(new Set(started.map((span) => span.key)).size).toBe(started.length);
      expect([...ended].sort()).toEqual(started.map((span) => span.key).sort());
      expect(trace.idle).toBe(true);
      const seen = new Set<string>();
      for (const span of started) {
        if (span.parentKey !== null)
          expect(seen.has(span.parentKey), `${span.key} under ${span.parentKey}`).toBe(true);
        seen.add(span.key);
      }
      const names = started.map((span) => span.name);
      expect(names).toEqual(
        expect.arrayContaining([
          "run trace-shapes",
          "state fan",
          "branch left",
          "branch right",
          "iteration 0",
          "iteration 1",
          "wait pause",
        ]),
      );
      if (status === "compensated") {
        const compensate = started.find((span) => span.name === "compensate prepare");
        expect(compensate?.links.map((link) => link.key)).toEqual(["visit:|prepare#1"]);
        const ship = ops.find((op) => op.op === "end" && op.key === "visit:|ship#1");
        expect(ship).toMatchObject({ status: "error", attributes: { "error.type": "ShippingUnavailable" } });
      }
    });
  }

  it("replaying any prefix of the history leaves the same spans open and continues identically", async () => {
    const { events, run } = await history({ fail: true });
    for (let cut = 1; cut < events.length; cut++) {
      const lived = live(run);
      for (const { stored, after } of events.slice(0, cut)) lived.apply(stored, after);
      // A new process: only the stored history (statuses folded from it), no memory of the first.
      const replayed = live(run);
      let snapshot: RunSnapshot | undefined;
      for (const { stored } of events.slice(0, cut)) {
        snapshot = applyEvent(snapshot, stored.event, stored.at);
        replayed.apply(stored, { status: snapshot.status, error: snapshot.error });
      }
      expect(replayed.openSpans(), `open after ${cut} events`).toEqual(lived.openSpans());
      const rest = (trace: RunTrace): SpanOp[] =>
        events.slice(cut).flatMap(({ stored, after }) => trace.apply(stored, after));
      expect(rest(replayed), `after ${cut} events`).toEqual(rest(lived));
    }
  });
});
