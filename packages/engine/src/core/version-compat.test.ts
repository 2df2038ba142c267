import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createJsonataEvaluator } from "../runtime/jsonata-evaluator";
import { decide } from "./decide";
import { diffDefinitions } from "./definition-diff";
import { foldHistory } from "./fold";
import { simulate } from "./simulate";
import { checkVersionMove, VersionMoveRefusedError } from "./version-compat";

const evaluate = createJsonataEvaluator();

/** reserve → fan (a: pay, b: mail) → ship; pay fails in v1 with abort, so the run stops inside branch a. */
const v1: Definition = {
  name: "order",
  startAt: "reserve",
  states: {
    reserve: { type: "task", action: "echo", compensateWith: "release", next: "fan" },
    fan: {
      type: "parallel",
      next: "ship",
      onError: "abort",
      branches: {
        a: {
          startAt: "pay",
          states: { pay: { type: "task", action: "charge", onError: "abort", end: true } },
        },
        b: { startAt: "mail", states: { mail: { type: "task", action: "echo", end: true } } },
      },
    },
    ship: { type: "task", action: "echo", end: true },
    release: { type: "compensation", action: "echo" },
  },
};

async function failedRun() {
  const result = await simulate({ definition: v1, evaluate, outcomes: { pay: { fail: "Bug" } } });
  expect(result.snapshot.status).toBe("failed");
  return result.snapshot;
}

const withPay = (pay: object): Definition => {
  const fan = v1.states.fan;
  if (fan?.type !== "parallel") throw new Error("fan");
  return {
    ...v1,
    states: {
      ...v1.states,
      fan: {
        ...fan,
        branches: {
          ...fan.branches,
          a: { startAt: "pay", states: { pay: { type: "task", action: "charge", ...pay } } },
        },
      },
    },
  };
};

describe("diffDefinitions", () => {
  it("reads nothing but the layout as the same, and lists changed fields, states and edges", () => {
    expect(diffDefinitions(v1, { ...v1, layout: { reserve: { x: 1, y: 2 } } }).same).toBe(true);
    const v2: Definition = {
      ...withPay({ end: true, params: { card: "fixed" } }),
      states: {
        ...withPay({ end: true, params: { card: "fixed" } }).states,
        audit: { type: "task", action: "echo", end: true },
      },
    };
    const ship = v2.states.ship;
    if (ship?.type === "task") v2.states.ship = { ...ship, end: undefined, next: "audit" };
    const diff = diffDefinitions(v1, v2);
    expect(diff.same).toBe(false);
    expect(diff.states).toEqual([
      { stateId: "pay", change: "changed", fields: ["onError", "params"] },
      { stateId: "ship", change: "changed", fields: ["end", "next"] },
      { stateId: "audit", change: "added", fields: [] },
    ]);
    expect(diff.edges).toEqual([{ from: "ship", to: "audit", kind: "next", change: "added" }]);
  });
});

describe("checkVersionMove", () => {
  it("keeps completed work, continues in the failed branch, maps each compensation", async () => {
    const snapshot = await failedRun();
    const report = checkVersionMove(snapshot, v1, withPay({ end: true }), 2);
    expect(report.compatible).toBe(true);
    expect(report.kept.map((k) => k.stateId).sort()).toEqual(["mail", "reserve"]);
    expect(report.continueAt).toContainEqual({ scope: "fan.a", stateId: "pay" });
    expect(report.compensations).toEqual([
      { taskStateId: "reserve", scope: "", visit: 1, before: "release", after: "release" },
    ]);
  });

  it("refuses, with every reason, a version without the branch the run is in and without the undo", async () => {
    const snapshot = await failedRun();
    const fan = v1.states.fan;
    if (fan?.type !== "parallel") throw new Error("fan");
    const v2: Definition = {
      ...v1,
      states: {
        reserve: { type: "task", action: "echo", next: "fan" },
        fan: { ...fan, branches: { b: fan.branches.b as NonNullable<typeof fan.branches.b> } },
        ship: { type: "task", action: "echo", end: true },
      },
    };
    const report = checkVersionMove(snapshot, v1, v2, 2);
    expect(report.compatible).toBe(false);
    expect(report.refusals).toEqual([
      'the run has work inside "fan" and v2 has no such parallel with branch "a"',
      'the run goes on at "pay" and v2 has no such state',
      '"reserve" completed and is undone by "release"; v2 gives it no compensation',
    ]);
  });

  it("refuses a run that is not stopped", async () => {
    const result = await simulate({ definition: v1, evaluate });
    expect(checkVersionMove(result.snapshot, v1, v1, 2).refusals).toEqual([
      "the run is succeeded; only a failed, suspended, canceled or compensation_failed run can move",
    ]);
  });
});

describe("decide: resume with moveTo", () => {
  const context = { now: Date.parse("2026-01-01T00:00:00Z"), evaluate, random: () => 0.5 };

  it("records the move, then the resume, and runs the failed step of the new version", async () => {
    const snapshot = await failedRun();
    const v2 = withPay({ end: true, params: { fixed: true } });
    const decision = await decide(
      v1,
      snapshot,
      { type: "resume", by: "ann", moveTo: { version: 2, definition: v2 } },
      context,
    );
    expect(decision.events.slice(0, 2)).toEqual([
      { type: "RunMovedToVersion", by: "ann", from: 1, to: 2 },
      { type: "RunResumed", by: "ann", from: "failed" },
    ]);
    expect(decision.snapshot.version).toBe(2);
    const attempt = decision.commands.find((c) => c.type === "runAttempt");
    expect(attempt).toMatchObject({ attempt: { stateId: "pay", params: { fixed: true } } });
    // Nothing completed runs again.
    expect(decision.commands.filter((c) => c.type === "runAttempt")).toHaveLength(1);
  });

  it("throws the refusal and decides nothing", async () => {
    const snapshot = await failedRun();
    const { reserve: _r, ...states } = v1.states;
    const broken = { ...v1, startAt: "fan", states };
    await expect(
      decide(
        v1,
        snapshot,
        { type: "resume", by: "ann", moveTo: { version: 2, definition: broken } },
        context,
      ),
    ).rejects.toBeInstanceOf(VersionMoveRefusedError);
  });

  it("folds a move like the decision saw it", async () => {
    const sim = await failedRun();
    const v2 = withPay({ end: true });
    const decision = await decide(
      v1,
      sim,
      { type: "resume", by: "ann", moveTo: { version: 2, definition: v2 } },
      context,
    );
    const history = (await simulate({ definition: v1, evaluate, outcomes: { pay: { fail: "Bug" } } }))
      .history;
    const folded = foldHistory([
      ...history,
      ...decision.events.map((event) => ({ event, at: "2026-01-01T00:00:00.000Z" })),
    ]);
    expect(folded?.version).toBe(2);
    expect(folded?.status).toBe(decision.snapshot.status);
  });
});
