import { describe, expect, it } from "vitest";
import { parseValueText, valueToText } from "./value-text";

describe("a value in one box", () => {
  it("shows an expression as itself and any other value as JSON", () => {
    expect(valueToText("{% $input.n %}")).toBe("{% $input.n %}");
    expect(valueToText("plain")).toBe('"plain"');
    expect(valueToText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(valueToText(undefined)).toBe("");
  });

  it("reads expressions for every kind, numbers for numeric params, JSON otherwise", () => {
    expect(parseValueText(" {% $x %} ", "integer")).toEqual({ ok: true, value: "{% $x %}" });
    expect(parseValueText("3", "integer")).toEqual({ ok: true, value: 3 });
    expect(parseValueText("3.5", "integer").ok).toBe(false);
    expect(parseValueText("false", "boolean")).toEqual({ ok: true, value: false });
    expect(parseValueText('{"a": [1]}', "any")).toEqual({ ok: true, value: { a: [1] } });
    expect(parseValueText("hello", "any").ok).toBe(false);
    expect(parseValueText("{% unfinished", "any").ok).toBe(false);
    expect(parseValueText("", "any")).toEqual({ ok: true, value: undefined });
  });
});
