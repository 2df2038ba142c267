import type { ActionCatalog, Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { simulateEachFailure } from "./each-failure";
import { failureRow, leavesWritesUndone } from "./each-failure-table";
import { createJsonataEvaluator } from "./jsonata-evaluator";

const catalog: ActionCatalog = {
  write: { name: "write", description: "", effect: "write", params: {} },
};

/** Two writes with undos, then one with none on purpose, then one that forgot its undo. */
const definition: Definition = {
  name: "rows",
  startAt: "reserve",
  states: {
    reserve: { type: "task", action: "write", compensateWith: "release", next: "charge" },
    charge: { type: "task", action: "write", compensateWith: "refund", next: "audit" },
    audit: { type: "task", action: "write", compensateWith: null, next: "notify" },
    notify: { type: "task", action: "write", next: "ship" },
    ship: { type: "task", action: "write", compensateWith: null, end: true },
    release: { type: "compensation", action: "write" },
    refund: { type: "compensation", action: "write" },
  },
};

describe("the each-failure table", () => {
  it("words each report as the CLI prints it and the designer shows it", async () => {
    const progress: string[] = [];
    const reports = await simulateEachFailure({
      definition,
      catalog,
      evaluate: createJsonataEvaluator(),
      onReport: (report, done, total) => progress.push(`${report.stateId} ${done}/${total}`),
    });
    expect(progress).toEqual(["reserve 1/5", "charge 2/5", "audit 3/5", "notify 4/5", "ship 5/5"]);
    const rows = reports.map(failureRow);
    expect(rows[0]).toEqual({
      task: "reserve",
      ends: "compensated",
      compensations: "—",
      leftUndone: "—",
      path: "reserve",
      warn: false,
    });
    expect(rows[2]).toMatchObject({
      task: "audit",
      compensations: "1. charge, 2. reserve",
      leftUndone: "—",
      warn: false,
    });
    expect(rows[4]).toMatchObject({
      task: "ship",
      compensations: "1. charge, 2. reserve",
      leftUndone: "audit (no undo declared), ⚠ notify",
      path: "reserve → charge → audit → notify → ship",
      warn: true,
    });
    expect(leavesWritesUndone(reports)).toBe(true);
    expect(leavesWritesUndone(reports.slice(0, 4))).toBe(false);
  });

  it("says when a task is never reached", () => {
    const row = failureRow({
      stateId: "later",
      reached: false,
      status: "succeeded",
      error: null,
      path: ["first"],
      compensated: [],
      uncompensated: [],
    });
    expect(row.ends).toBe("not reached");
  });
});
