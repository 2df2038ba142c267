import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonSyntaxError, parseJsonText } from "./json-text";

describe("parseJsonText", () => {
  it("parses JSON", () => {
    expect(parseJsonText('{"a": [1, true, null, "x"]}')).toEqual({
      ok: true,
      value: { a: [1, true, null, "x"] },
    });
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, "property name"],
    ['{\n  "a": }', 2, 8, 'unexpected "}"'],
    ['{"a": 1 "b": 2}', 1, 9, 'expected "," or "}"'],
    ["[1, 2", 1, 6, "end of input"],
    ['{"a": "line\nbreak"}', 1, 12, "control character"],
    ["", 1, 1, "end of input"],
    ['{"a": 1} trailing', 1, 10, "after the JSON value"],
    ['{"a": 01}', 1, 8, 'expected "," or "}"'],
  ])("locates the error in %j at line %i, column %i", (text, line, column, message) => {
    const result = parseJsonText(text);
    expect(result).toMatchObject({ ok: false, line, column });
    if (!result.ok) expect(result.message).toContain(message);
  });

  it("finds an error exactly when JSON.parse does, on JSON and on JSON with one character changed", () => {
    const nearJson = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", ",", "}", "]", '"', ":", "\\", "\n", "0", "-", " "))
      .map(([text, at, replacement]) => {
        const index = at % (text.length + 1);
        return text.slice(0, index) + replacement + text.slice(index + 1);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), nearJson, fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 1000 },
    );
  });
});
