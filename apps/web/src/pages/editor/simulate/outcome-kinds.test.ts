import { checkOutcomes } from "@sagaflow/engine/core";
import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { describeOutcome, kindOf, kindsFor, type OutcomeKind, outcomeOfKind } from "./outcome-kinds";

const definition: Definition = {
  name: "kinds",
  startAt: "charge",
  states: {
    charge: { type: "task", action: "transform", params: { value: 1 }, next: "approve" },
    approve: { type: "signal", signal: "approved", timeout: "1h", next: "done" },
    done: { type: "succeed" },
  },
};
const charge = definition.states.charge;
const approve = definition.states.approve;

describe("outcome kinds", () => {
  it("offers tasks every kind of the scenario format, signals theirs, other states none", () => {
    expect(kindsFor(charge)).toEqual(["design", "output", "fail", "timeout", "failTimes", "slow"]);
    expect(kindsFor(approve)).toEqual(["design", "signal", "timeout"]);
    expect(kindsFor(definition.states.done)).toEqual([]);
  });

  it("makes outcomes sagaflow test accepts, and reads their kind back", () => {
    for (const kind of kindsFor(charge)) {
      const outcome = outcomeOfKind(kind, undefined, charge);
      expect(kindOf(outcome)).toBe(kind);
      if (outcome) expect(checkOutcomes(definition, { charge: outcome })).toEqual([]);
    }
    for (const kind of kindsFor(approve)) {
      const outcome = outcomeOfKind(kind, undefined, approve);
      expect(kindOf(outcome)).toBe(kind);
      if (outcome) expect(checkOutcomes(definition, { approve: outcome })).toEqual([]);
    }
    expect(outcomeOfKind("signal", undefined, approve)).toEqual({
      signal: { name: "approved", payload: null },
    });
  });

  it("keeps the error name when switching between failing kinds", () => {
    const failing = outcomeOfKind("fail", undefined, charge);
    const renamed = { ...failing, fail: "CardDeclined" };
    expect(outcomeOfKind("failTimes" as OutcomeKind, renamed, charge)).toEqual({
      failTimes: 1,
      fail: "CardDeclined",
    });
    expect(describeOutcome({ failTimes: 2, fail: "Busy" })).toBe("fails 2× (Busy), then succeeds");
    expect(describeOutcome({ fail: "X", delay: "5s" })).toBe("fails: X after 5s");
  });
});
