import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createJsonataEvaluator } from "@sagaflow/engine";
import { simulate } from "@sagaflow/engine/core";
import type { Definition, RunEvent } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createRunModel, foldIntoRunModel, type RunHistoryEvent } from "../model/run-model";
import { KEEP_PER_STATE, TravelFold, trimmedCopy } from "./travel-fold";

const examples = join(import.meta.dirname, "../../../../../examples");
const example = (name: string) =>
  JSON.parse(readFileSync(join(examples, `${name}.json`), "utf8")) as Definition;

async function history(definition: Definition, input = {}, outcomes = {}): Promise<RunHistoryEvent[]> {
  const result = await simulate({
    definition,
    input,
    outcomes,
    evaluate: createJsonataEvaluator(),
    runId: "r1",
  });
  return result.history.map((h, i) => ({ runId: "r1", seq: i + 1, at: h.at, event: h.event }));
}

/** The model folded straight from the first event through `seq`: what every seek must equal. */
function foldedThrough(events: RunHistoryEvent[], seq: number) {
  const model = createRunModel("r1");
  for (const event of events.slice(0, seq)) foldIntoRunModel(model, event);
  return model;
}

describe("time travel's fold", () => {
  it("gives the run as of any event, forwards, backwards and jumping, from checkpoints", async () => {
    const definition = example("order-saga");
    const events = await history(
      definition,
      { orderId: "o-1" },
      { ship_order: { fail: "ShippingUnavailable" } },
    );
    const fold = new TravelFold("r1", definition, 4);
    fold.append(events.slice(0, 10));
    fold.append(events.slice(5)); // overlapping pages are ignored where already in
    expect(fold.length).toBe(events.length);

    const order = [events.length, 1, 2, 3, 9, 8, 17, 4, 0, events.length - 1, 12, 13, 14];
    for (const seq of order) {
      const point = fold.at(seq);
      expect(point.seq).toBe(seq);
      expect(point.model).toEqual(foldedThrough(events, seq));
    }
    expect(fold.at(1_000).seq).toBe(events.length);
  });

  it("prints the Workflow State Format as of the event", async () => {
    const definition = example("order-saga");
    const events = await history(definition, { orderId: "o-1" });
    const fold = new TravelFold("r1", definition);
    fold.append(events);
    const entered = events.findIndex(
      (e) => e.event.type === "StateEntered" && e.event.stateId === "charge_payment",
    );
    expect(fold.at(entered + 1).stateFormat).toContain("Current State: charge_payment");
    expect(fold.at(events.length).stateFormat).not.toContain("Current State: charge_payment");
    expect(fold.at(0).stateFormat).toBeNull();
  });

  it("keeps each state's latest attempts in a copy, and says the list is cut", () => {
    const events = loop(KEEP_PER_STATE + 20);
    const full = foldedThrough(events, events.length);
    const tick = full.steps.tick!;
    expect(tick.attempts.length).toBe(KEEP_PER_STATE + 20);
    const copy = trimmedCopy(full);
    expect(copy.steps.tick!.attempts).toEqual(tick.attempts.slice(-KEEP_PER_STATE));
    expect(copy.openedAtSeq).toBe(full.lastSeq);
    expect(copy.status).toBe(full.status);
  });
});

/** A task visited `visits` times in a row (a loop's history, as the bench writes it). */
function loop(visits: number): RunHistoryEvent[] {
  const events: RunEvent[] = [
    { type: "RunStarted", runId: "r1", workflow: "loop", version: 1, input: {}, deadlineAt: null },
  ];
  for (let visit = 1; visit <= visits; visit++) {
    const base = { scope: "", stateId: "tick", visit };
    const idempotencyKey = `r1:tick:${visit}`;
    events.push({ type: "StateEntered", ...base, stateType: "task" });
    events.push({
      ...base,
      type: "StepAttemptStarted",
      attempt: 1,
      idempotencyKey,
      action: "transform",
      params: {},
      timeoutMs: 1000,
    });
    events.push({ ...base, type: "StepSucceeded", attempt: 1, idempotencyKey, output: visit, durationMs: 1 });
  }
  const at = (seq: number) => new Date(Date.UTC(2026, 0, 1) + seq).toISOString();
  return events.map((event, i) => ({ runId: "r1", seq: i + 1, at: at(i + 1), event }));
}
