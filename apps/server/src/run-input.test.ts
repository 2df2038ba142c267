import { describe, expect, it } from "vitest";
import { checkRunInput } from "./run-input";

const schema = {
  type: "object",
  properties: { orderId: { type: "string" }, amount: { type: "number", minimum: 0 } },
  required: ["orderId"],
  additionalProperties: false,
};

describe("checkRunInput", () => {
  it("accepts anything without a schema", () => {
    expect(checkRunInput("none@1", undefined, 42)).toEqual({ ok: true });
  });

  it("accepts input that matches", () => {
    expect(checkRunInput("order@1", schema, { orderId: "o1", amount: 3 })).toEqual({ ok: true });
  });

  it("names every problem with its place in the input", () => {
    const check = checkRunInput("order@1", schema, { amount: -1, extra: true });
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problems).toContain('input: missing required property "orderId"');
      expect(check.problems).toContain('input: unknown property "extra"');
      expect(check.problems.some((p) => p.startsWith("input.amount:"))).toBe(true);
    }
  });

  it("honours a draft-07 $schema", () => {
    const draft7 = { $schema: "http://json-schema.org/draft-07/schema#", type: "string" };
    expect(checkRunInput("d7@1", draft7, "x")).toEqual({ ok: true });
    expect(checkRunInput("d7@1", draft7, 1).ok).toBe(false);
  });
});

describe("a catastrophic pattern", () => {
  it("is cut at its time limit with a clear problem, and this thread moves on", () => {
    const started = Date.now();
    const check = checkRunInput(
      "bomb@1",
      { type: "object", properties: { name: { type: "string", pattern: "^(a+)+$" } } },
      { name: `${"a".repeat(31)}!` },
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(check).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^input: the pattern \^\(a\+\)\+\$ took longer than 50 ms/)],
    });
    expect(checkRunInput("bomb@1", { type: "object" }, { name: "aaa" })).toEqual({ ok: true });
  });
});
