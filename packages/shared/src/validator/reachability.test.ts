import { describe, expect, it } from "vitest";
import { definitionOf, findings } from "./testing/fixtures";

const end = { type: "succeed" };
const task = (extra: Record<string, unknown>) => ({ type: "task", action: "log", ...extra });

describe("unreachable-state", () => {
  it("warns about states no path from startAt reaches, following catch and choice edges", () => {
    const states = {
      a: task({ next: "c", catch: [{ errors: ["*"], next: "recover" }] }),
      c: { type: "choice", choices: [{ when: "{% true %}", next: "done" }], otherwise: "a" },
      recover: end,
      done: end,
      orphan: task({ next: "done" }),
    };
    const found = findings(definitionOf(states), "unreachable-state");
    expect(found.map((d) => [d.stateId, d.path, d.severity])).toEqual([
      ["orphan", "$.states.orphan", "warning"],
    ]);
  });

  it("counts compensation states as reached through compensateWith, and follows signal timeouts", () => {
    const states = {
      s: { type: "signal", signal: "go", next: "a", onTimeout: "late" },
      a: task({ end: true, compensateWith: "undo" }),
      late: { type: "fail", error: "TooLate" },
      undo: { type: "compensation", action: "log" },
    };
    expect(findings(definitionOf(states), "unreachable-state")).toEqual([]);
  });

  it("checks inside branches, and stays quiet inside an unreachable container", () => {
    const states = {
      p: { type: "parallel", branches: { one: { startAt: "x", states: { x: end, stray: end } } }, end: true },
      m: { type: "map", items: [1], iterator: { startAt: "y", states: { y: end, lost: end } }, end: true },
    };
    expect(findings(definitionOf(states), "unreachable-state").map((d) => d.stateId)).toEqual(["m", "stray"]);
  });
});

describe("loop-without-exit", () => {
  it("warns once about a cycle from which no end is reachable, when the workflow can end elsewhere", () => {
    const states = {
      a: { type: "choice", choices: [{ when: "{% $input.loop %}", next: "b" }], otherwise: "done" },
      b: task({ next: "c" }),
      c: task({ next: "b" }),
      done: end,
    };
    const found = findings(definitionOf(states), "loop-without-exit");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "warning", stateId: "b" });
    expect(found[0]?.message).toContain("b, c");
  });

  it("finds a self-loop, also inside a map iterator", () => {
    const states = {
      m: {
        type: "map",
        items: [1],
        iterator: {
          startAt: "pick",
          states: {
            pick: { type: "choice", choices: [{ when: "{% $input %}", next: "spin" }], otherwise: "out" },
            spin: { type: "wait", duration: "1s", next: "spin" },
            out: end,
          },
        },
        end: true,
      },
    };
    expect(findings(definitionOf(states), "loop-without-exit")[0]?.path).toBe(
      "$.states.m.iterator.states.spin",
    );
  });

  it.each([
    [
      "a choice",
      {
        a: task({ next: "c" }),
        c: { type: "choice", choices: [{ when: "{% 1 %}", next: "done" }], otherwise: "a" },
        done: end,
      },
    ],
    [
      "a catch",
      {
        a: task({ next: "b" }),
        b: task({ next: "a", catch: [{ errors: ["*"], next: "done" }] }),
        done: { type: "fail" },
      },
    ],
    [
      "a signal that fails on timeout",
      { a: { type: "signal", signal: "go", next: "b", onTimeout: "fail" }, b: task({ next: "a" }) },
    ],
  ])("is silent when %s leads out", (_how, states) => {
    expect(findings(definitionOf(states), "loop-without-exit")).toEqual([]);
  });

  it("does not report unreachable loops twice (they are already unreachable)", () => {
    const states = { a: end, b: task({ next: "c" }), c: task({ next: "b" }) };
    expect(findings(definitionOf(states), "loop-without-exit")).toEqual([]);
  });
});

describe("missing-end-state", () => {
  it("is an error when no path from the start reaches an end, and replaces the loop warning", () => {
    const states = { a: task({ next: "b" }), b: task({ next: "c" }), c: task({ next: "b" }) };
    const definition = definitionOf(states);
    const found = findings(definition, "missing-end-state");
    expect(found.map((d) => [d.severity, d.path, d.stateId])).toEqual([["error", "$.startAt", "a"]]);
    expect(found[0]?.message).toContain("can never finish");
    expect(findings(definition, "loop-without-exit")).toEqual([]);
  });

  it("checks each branch and iteration on its own", () => {
    const states = {
      p: {
        type: "parallel",
        branches: {
          ok: { startAt: "x", states: { x: end } },
          stuck: { startAt: "y", states: { y: { type: "wait", duration: "1s", next: "y" } } },
        },
        end: true,
      },
    };
    const found = findings(definitionOf(states), "missing-end-state");
    expect(found.map((d) => [d.path, d.stateId])).toEqual([["$.states.p.branches.stuck.startAt", "y"]]);
    expect(found[0]?.message).toContain('this branch of "p"');
  });

  it("is silent when an end is reachable through a catch, a choice or a signal's timeout", () => {
    const viaCatch = {
      a: task({ next: "a", catch: [{ errors: ["*"], next: "gave_up" }] }),
      gave_up: { type: "fail" },
    };
    const viaSignal = { a: { type: "signal", signal: "go", next: "a", onTimeout: "fail" } };
    expect(findings(definitionOf(viaCatch), "missing-end-state")).toEqual([]);
    expect(findings(definitionOf(viaSignal), "missing-end-state")).toEqual([]);
  });
});
