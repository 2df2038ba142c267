import { describe, expect, it } from "vitest";
import { definitionOf, findings } from "./testing/fixtures";

const end = { type: "succeed" };
const sub = { startAt: "inner", states: { inner: end } };

describe("a way out of every state", () => {
  it.each([
    ["task", { type: "task", action: "log" }],
    ["parallel", { type: "parallel", branches: { one: sub } }],
    ["map", { type: "map", items: [1, 2], iterator: sub }],
    ["wait", { type: "wait", duration: "1s" }],
    ["signal", { type: "signal", signal: "approve" }],
  ])("a %s with neither next nor end has none", (_type, state) => {
    const [found] = findings(definitionOf({ a: state }), "no-way-out");
    expect(found).toMatchObject({ severity: "error", stateId: "a", path: "$.states.a" });
  });

  it.each([
    ["compensation", { type: "compensation", action: "log" }],
    ["succeed", end],
    ["fail", { type: "fail", error: "Nope" }],
    ["choice", { type: "choice", choices: [{ when: "{% true %}", next: "a" }], otherwise: "a" }],
  ])("a %s needs neither", (_type, state) => {
    expect(findings(definitionOf({ a: { type: "succeed" }, b: state }), "no-way-out")).toEqual([]);
  });

  it("refuses next together with end, at the end field", () => {
    const [found] = findings(
      definitionOf({ a: { type: "wait", duration: "1s", next: "b", end: true }, b: end }),
      "next-and-end",
    );
    expect(found?.path).toBe("$.states.a.end");
  });

  it("requires otherwise on a choice", () => {
    const [found] = findings(
      definitionOf({ c: { type: "choice", choices: [{ when: "{% true %}", next: "b" }] }, b: end }),
      "choice-without-otherwise",
    );
    expect(found).toMatchObject({ stateId: "c", path: "$.states.c" });
  });
});

describe("wait-needs-one-timer", () => {
  it("refuses a wait with both duration and until, and one with neither", () => {
    const both = findings(
      definitionOf({ w: { type: "wait", duration: "1s", until: "2030-01-01", end: true } }),
      "wait-needs-one-timer",
    );
    expect(both[0]?.message).toContain("not both");
    expect(findings(definitionOf({ w: { type: "wait", end: true } }), "wait-needs-one-timer")).toHaveLength(
      1,
    );
  });

  it("accepts either one alone", () => {
    expect(
      findings(
        definitionOf({ w: { type: "wait", until: "{% $input.at %}", end: true } }),
        "wait-needs-one-timer",
      ),
    ).toEqual([]);
    expect(
      findings(definitionOf({ w: { type: "wait", duration: 500, end: true } }), "wait-needs-one-timer"),
    ).toEqual([]);
  });
});
