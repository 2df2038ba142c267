import { describe, expect, it } from "vitest";
import { expressionProblem } from "./expressions";
import { definitionOf, findings } from "./testing/fixtures";

const end = { type: "succeed" };

describe("expressionProblem", () => {
  it("gives the syntax error's position as an offset into the whole string", () => {
    const text = "{%  $input.a + %}";
    const problem = expressionProblem(text);
    expect(problem?.message).toContain("Unexpected end of expression");
    // The error is at the end of the body `$input.a +`, which starts after "{%  ".
    expect(problem?.position).toBe(4 + "$input.a +".length);
    expect(text.slice(0, problem?.position)).toBe("{%  $input.a +");
  });

  it("points at the offending token inside the expression", () => {
    const problem = expressionProblem("{% 1 + + 2 %}");
    expect(problem?.message).toContain("unary operator");
    expect(problem?.position).toBe(3 + "1 + +".length);
  });

  it("reports an empty expression, and accepts valid ones and literals", () => {
    expect(expressionProblem("{%   %}")?.message).toContain("empty expression");
    expect(expressionProblem('{% $steps.backup.path & "/x" %}')).toBeUndefined();
    expect(expressionProblem("just text with a % sign")).toBeUndefined();
  });
});

describe("bad-expression", () => {
  it("checks strings anywhere in params, deeply nested, with their JSON path", () => {
    const states = {
      a: { type: "task", action: "log", end: true, params: { list: [1, { deep: "{% foo( %}" }] } },
    };
    const [found] = findings(definitionOf(states), "bad-expression");
    expect(found).toMatchObject({ stateId: "a", path: "$.states.a.params.list[1].deep", position: 7 });
    expect(found?.message).toContain('Expected ")"');
  });

  it.each([
    [
      "a choice condition",
      { type: "choice", choices: [{ when: "{% $x = %}", next: "b" }], otherwise: "b" },
      "$.states.a.choices[0].when",
    ],
    [
      "map items",
      { type: "map", items: "{% $input.[ %}", iterator: { startAt: "i", states: { i: end } }, next: "b" },
      "$.states.a.items",
    ],
    ["a wait until", { type: "wait", until: "{% $now( %}", next: "b" }, "$.states.a.until"],
    ["a succeed output", { type: "succeed", output: { x: "{% ) %}" } }, "$.states.a.output.x"],
    ["a fail message", { type: "fail", message: "{% 'open %}" }, "$.states.a.message"],
  ])("checks %s", (_where, state, path) => {
    const found = findings(definitionOf({ a: state, b: end }), "bad-expression");
    expect(found.map((d) => d.path)).toEqual([path]);
  });

  it("checks states inside branches and iterators, but not comments", () => {
    const states = {
      a: {
        type: "map",
        items: [1],
        comment: "{% not checked (",
        iterator: { startAt: "i", states: { i: { type: "succeed", output: "{% $item + %}" } } },
        end: true,
      },
    };
    expect(findings(definitionOf(states), "bad-expression").map((d) => d.stateId)).toEqual(["i"]);
  });
});

describe("fields that must be expressions", () => {
  it("refuses a literal choice condition and literal map items", () => {
    const states = {
      c: { type: "choice", choices: [{ when: "$input.ok", next: "m" }], otherwise: "m" },
      m: { type: "map", items: "$input.items", iterator: { startAt: "i", states: { i: end } }, end: true },
    };
    expect(findings(definitionOf(states), "expression-required").map((d) => d.path)).toEqual([
      "$.states.c.choices[0].when",
      "$.states.m.items",
    ]);
  });

  it("accepts a literal ISO time for until, refuses any other literal", () => {
    const wait = (until: string) => definitionOf({ w: { type: "wait", until, end: true } });
    expect(findings(wait("2030-02-28T12:00:00+01:00"), "bad-time")).toEqual([]);
    expect(findings(wait("2030-13-01"), "bad-time")).toHaveLength(1);
    expect(findings(wait("next tuesday"), "bad-time")[0]?.path).toBe("$.states.w.until");
  });
});
