import { describe, expect, it } from "vitest";
import { definitionOf } from "./testing/fixtures";
import { validateDefinition } from "./validate";

describe("validateDefinition", () => {
  it("lists errors before warnings, and still returns a definition with semantic errors", () => {
    const input = definitionOf({
      a: { type: "task", action: "x", next: "ghost" },
      orphan: { type: "succeed" },
    });
    const result = validateDefinition(input);
    expect(result.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ["error", "unknown-target"],
      ["warning", "unreachable-state"],
    ]);
    expect(result.ok).toBe(false);
    expect(result.definition?.states.a).toMatchObject({ next: "ghost" });
  });

  it("is ok with warnings only", () => {
    const result = validateDefinition(definitionOf({ a: { type: "succeed" }, b: { type: "succeed" } }));
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toHaveLength(1);
  });

  it("reports input no JSON can hold instead of throwing", () => {
    const trap = definitionOf({ a: { type: "succeed" } });
    Object.defineProperty(trap, "startAt", {
      get() {
        throw new Error("boom");
      },
      enumerable: true,
    });
    const result = validateDefinition(trap);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["internal-error"]);
  });

  it("does not mutate its input", () => {
    const input = definitionOf({ a: { type: "task", action: "x", params: { q: "{% 1 %}" }, end: true } });
    const before = JSON.stringify(input);
    validateDefinition(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});
