import type { State } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { everyState } from "./fixtures/every-state";
import { removeRef, removeRefsTo, renameRefs, stateRefs } from "./state-refs";

const migrate = everyState.states.migrate as State;
const check = everyState.states.check as State;

describe("state references", () => {
  it("lists next, catch and compensation of a task", () => {
    expect(stateRefs(migrate).map((r) => `${r.kind}:${r.target}`)).toEqual([
      "next:check",
      "catch:failed",
      "compensation:restore",
    ]);
  });

  it("removes one edge, keeping the others and their indices", () => {
    const state = removeRef(check, "choice", 0);
    expect(state.type === "choice" && state.choices.map((c) => c.next)).toEqual(["approve"]);
    expect(removeRef(migrate, "catch", 0)).not.toHaveProperty("catch");
    expect(removeRef(migrate, "compensation")).not.toHaveProperty("compensateWith");
  });

  it("removes every reference to a deleted state", () => {
    const state = removeRefsTo(migrate, "failed");
    expect(stateRefs(state).map((r) => r.kind)).toEqual(["next", "compensation"]);
    const approve = removeRefsTo(everyState.states.approve as State, "failed");
    expect(approve).not.toHaveProperty("onTimeout");
  });

  it("renames references everywhere in a state", () => {
    expect(stateRefs(renameRefs(check, "fan", "fan2")).map((r) => r.target)).toEqual([
      "fan2",
      "approve",
      "done",
    ]);
    const fan = renameRefs(everyState.states.fan as State, "nap", "sleep");
    expect(fan.type === "parallel" && fan.branches.right?.startAt).toBe("sleep");
  });
});
