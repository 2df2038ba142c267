import { describe, expect, it } from "vitest";
import { definitionOf, findings } from "./testing/fixtures";

const end = { type: "succeed" };
const task = (extra: Record<string, unknown> = {}) => ({ type: "task", action: "log", ...extra });
const undo = { type: "compensation", action: "log" };

describe("unknown-target", () => {
  it.each([
    ["next", { a: task({ next: "ghost" }) }, "$.states.a.next"],
    [
      "catch",
      { a: task({ end: true, catch: [{ errors: ["*"], next: "ghost" }] }) },
      "$.states.a.catch[0].next",
    ],
    [
      "choice",
      {
        a: {
          type: "choice",
          choices: [
            { when: "{% 1 %}", next: "b" },
            { when: "{% 2 %}", next: "ghost" },
          ],
          otherwise: "b",
        },
        b: end,
      },
      "$.states.a.choices[1].next",
    ],
    [
      "otherwise",
      { a: { type: "choice", choices: [{ when: "{% 1 %}", next: "b" }], otherwise: "ghost" }, b: end },
      "$.states.a.otherwise",
    ],
    [
      "onTimeout",
      { a: { type: "signal", signal: "go", end: true, onTimeout: "ghost" } },
      "$.states.a.onTimeout",
    ],
    ["compensateWith", { a: task({ end: true, compensateWith: "ghost" }) }, "$.states.a.compensateWith"],
  ])("names the missing state of a %s and its path", (_field, states, path) => {
    const [found] = findings(definitionOf(states), "unknown-target");
    expect(found).toMatchObject({ severity: "error", stateId: "a", path });
    expect(found?.message).toContain('"ghost"');
  });

  it("is silent when every target exists", () => {
    const states = {
      a: task({ next: "b", catch: [{ errors: ["*"], next: "c" }], compensateWith: "u" }),
      b: { type: "signal", signal: "go", next: "c", onTimeout: "fail" },
      c: end,
      u: undo,
    };
    expect(findings(definitionOf(states), "unknown-target")).toEqual([]);
  });
});

describe("missing-start", () => {
  it("checks the startAt of every branch and iterator, naming their container", () => {
    const states = {
      p: { type: "parallel", branches: { one: { startAt: "nope", states: { x: end } } }, next: "m" },
      m: { type: "map", items: [1], iterator: { startAt: "gone", states: { y: end } }, end: true },
    };
    const found = findings(definitionOf(states), "missing-start");
    expect(found.map((d) => [d.path, d.stateId])).toEqual([
      ["$.states.p.branches.one.startAt", "p"],
      ["$.states.m.iterator.startAt", "m"],
    ]);
    expect(found[0]?.message).toContain('"nope"');
  });

  it("says so when the start exists, but in another scope", () => {
    const states = {
      p: { type: "parallel", branches: { one: { startAt: "x", states: { x: end } } }, end: true },
    };
    const [found] = findings(definitionOf(states, { startAt: "x" }), "missing-start");
    expect(found?.path).toBe("$.startAt");
    expect(found?.message).toContain("outside this scope");
  });

  it("reports a start on a compensation state as a compensation target", () => {
    const found = findings(
      definitionOf({ u: undo, a: task({ end: true, compensateWith: "u" }) }),
      "target-is-compensation",
    );
    expect(found.map((d) => d.path)).toEqual(["$.startAt"]);
  });
});

describe("cross-scope-transition", () => {
  const branchy = (inner: Record<string, unknown>, outer: Record<string, unknown> = {}) =>
    definitionOf({
      p: {
        type: "parallel",
        branches: {
          one: { startAt: "x", states: { x: task(inner) } },
          two: { startAt: "y", states: { y: end } },
        },
        next: "done",
      },
      done: { ...end },
      ...outer,
    });

  it("refuses a next from a branch to a top-level state", () => {
    const [found] = findings(branchy({ next: "done" }), "cross-scope-transition");
    expect(found).toMatchObject({ stateId: "x", path: "$.states.p.branches.one.states.x.next" });
    expect(found?.message).toContain("$.states.done");
  });

  it("refuses a next into a sibling branch and from the top level into a branch", () => {
    expect(findings(branchy({ next: "y" }), "cross-scope-transition")).toHaveLength(1);
    const intoBranch = branchy({ end: true }, { p2: task({ next: "x" }) });
    expect(findings(intoBranch, "cross-scope-transition").map((d) => d.stateId)).toEqual(["p2"]);
  });

  it("lets a task in a branch be compensated by a compensation state defined at the top level", () => {
    const definition = branchy({ end: true, compensateWith: "u" }, { u: undo });
    expect(findings(definition, "cross-scope-transition")).toEqual([]);
    expect(findings(definition, "unknown-target")).toEqual([]);
  });
});

describe("compensation links", () => {
  it("refuses a compensateWith naming a state of another type", () => {
    const [found] = findings(
      definitionOf({ a: task({ compensateWith: "b", next: "b" }), b: end }),
      "not-a-compensation",
    );
    expect(found).toMatchObject({ path: "$.states.a.compensateWith", stateId: "a" });
    expect(found?.message).toContain("succeed");
  });

  it("refuses next, catch and choice targets on compensation states", () => {
    const states = {
      a: task({ next: "u", catch: [{ errors: ["*"], next: "u" }], compensateWith: "u" }),
      u: undo,
    };
    expect(findings(definitionOf(states), "target-is-compensation").map((d) => d.path)).toEqual([
      "$.states.a.next",
      "$.states.a.catch[0].next",
    ]);
  });

  it("warns about compensation states nobody references, anywhere in the definition", () => {
    const states = {
      m: {
        type: "map",
        items: "{% $input.xs %}",
        iterator: { startAt: "i", states: { i: task({ end: true }), lost: undo } },
        end: true,
      },
    };
    const [found] = findings(definitionOf(states), "unreferenced-compensation");
    expect(found).toMatchObject({
      severity: "warning",
      stateId: "lost",
      path: "$.states.m.iterator.states.lost",
    });
  });
});

describe("duplicate-state-id", () => {
  it("reports the second use of an id in nested branches, pointing at the first", () => {
    const states = {
      start: {
        type: "parallel",
        branches: { a: { startAt: "s", states: { s: end } }, b: { startAt: "s", states: { s: end } } },
        end: true,
      },
    };
    const found = findings(definitionOf(states), "duplicate-state-id");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ stateId: "s", path: "$.states.start.branches.b.states.s" });
    expect(found[0]?.message).toContain("$.states.start.branches.a.states.s");
  });
});
