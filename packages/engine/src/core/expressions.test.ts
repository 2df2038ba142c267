import { describe, expect, it } from "vitest";
import { toJson } from "./expressions";

describe("toJson", () => {
  it("gives what a JSON round trip gives, primitives included", () => {
    const values: unknown[] = [
      undefined,
      null,
      "text \ud800",
      true,
      false,
      0,
      -0,
      1.5,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      [1, undefined, () => 1],
      { a: undefined, b: [Number.NaN], c: new Date(0) },
    ];
    for (const value of values) {
      const viaJson = value === undefined ? null : JSON.parse(JSON.stringify(value) ?? "null");
      expect(
        Object.is(toJson(value), viaJson) || JSON.stringify(toJson(value)) === JSON.stringify(viaJson),
      ).toBe(true);
      if (typeof viaJson === "number") expect(Object.is(toJson(value), viaJson)).toBe(true);
    }
  });
});
