import type { ActionCatalog, Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createJsonataEvaluator } from "../runtime/jsonata-evaluator";
import { simulateEachFailure, taskIds } from "./each-failure";

const catalog: ActionCatalog = {
  write: { name: "write", description: "", effect: "write", params: {} },
  read: { name: "read", description: "", effect: "none", params: {} },
  http: {
    name: "http",
    description: "",
    effect: "write",
    readOnlyWhen: { param: "method", values: ["GET"] },
    params: {},
  },
};

/** A write with an undo, a write with none on purpose, a read, a write that forgot its undo, a GET. */
const definition: Definition = {
  name: "coverage",
  startAt: "book",
  states: {
    book: { type: "task", action: "write", compensateWith: "unbook", next: "log" },
    log: { type: "task", action: "write", compensateWith: null, next: "look" },
    look: { type: "task", action: "read", next: "fetch" },
    fetch: { type: "task", action: "http", params: { method: "{% 'GET' %}" }, next: "notify" },
    notify: { type: "task", action: "write", next: "last" },
    last: { type: "task", action: "write", end: true },
    unbook: { type: "compensation", action: "write" },
  },
};

describe("simulateEachFailure", () => {
  it("fails each task in turn and lists the writes nothing undid", async () => {
    const reports = await simulateEachFailure({ definition, catalog, evaluate: createJsonataEvaluator() });
    expect(reports.map((r) => r.stateId)).toEqual(["book", "log", "look", "fetch", "notify", "last"]);
    const last = reports.at(-1);
    expect(last).toMatchObject({
      reached: true,
      status: "compensated",
      error: { error: "SimulatedFailure", message: "what if last fails?" },
      path: ["book", "log", "look", "fetch", "notify", "last"],
      compensated: ["book"],
    });
    // fetch ran as a GET (its params evaluated), so it is no write
    expect(last?.uncompensated).toEqual([
      { name: "log", declaredNoUndo: true },
      { name: "notify", declaredNoUndo: false },
    ]);
    expect(reports[0]).toMatchObject({ path: ["book"], compensated: [], uncompensated: [] });
  });

  it("lists nothing undone when the run still succeeds (onError continue)", async () => {
    const tolerant: Definition = {
      ...definition,
      states: {
        ...definition.states,
        last: { type: "task", action: "write", onError: "continue", end: true },
      },
    };
    const reports = await simulateEachFailure({
      definition: tolerant,
      catalog,
      evaluate: createJsonataEvaluator(),
    });
    expect(reports.at(-1)).toMatchObject({ stateId: "last", status: "succeeded", uncompensated: [] });
  });

  it("says when the failing task is never reached", async () => {
    const branching: Definition = {
      name: "branching",
      startAt: "route",
      states: {
        route: { type: "choice", choices: [{ when: "{% $input.go %}", next: "a" }], otherwise: "done" },
        a: { type: "task", action: "write", end: true },
        done: { type: "succeed" },
      },
    };
    const [report] = await simulateEachFailure({
      definition: branching,
      catalog,
      evaluate: createJsonataEvaluator(),
    });
    expect(report).toMatchObject({ stateId: "a", reached: false, status: "succeeded" });
  });

  it("taskIds lists nested tasks too", () => {
    expect(
      taskIds({
        states: {
          p: {
            type: "parallel",
            branches: { x: { startAt: "t1", states: { t1: { type: "task", action: "a", end: true } } } },
            next: "m",
          },
          m: {
            type: "map",
            items: [],
            iterator: { startAt: "t2", states: { t2: { type: "task", action: "a", end: true } } },
            end: true,
          },
        },
      }),
    ).toEqual(["t1", "t2"]);
  });
});
