import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definitionSchema } from "../definition/schema";
import type { ActionCatalog } from "../diagnostics";
import { validDefinition } from "./testing/valid-definition";
import { validateDefinition } from "./validate";

describe("validateDefinition on random input", { timeout: 30_000 }, () => {
  it("finds no errors in random valid definitions, nested parallel and map included", () => {
    fc.assert(
      fc.property(validDefinition(), (definition) => {
        const result = validateDefinition(definition);
        expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(result.ok).toBe(true);
        expect(result.definition).toEqual(definition);
      }),
      { numRuns: 300 },
    );
  });

  it("finds no errors either when a catalog knows every action used", () => {
    const anyParams = { type: "object", additionalProperties: true };
    const catalog: ActionCatalog = Object.fromEntries(
      ["log", "sql.exec", "transform", "http.request", "sqlite.restore", "file.delete"].map((name, i) => [
        name,
        { name, description: name, effect: i % 2 === 0 ? "none" : "write", params: anyParams },
      ]),
    );
    fc.assert(
      fc.property(validDefinition(), (definition) => {
        const result = validateDefinition(definition, { actions: catalog });
        expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("round-trips schema → JSON → schema to a deep-equal value", () => {
    fc.assert(
      fc.property(validDefinition(), (definition) => {
        const parsed = definitionSchema.parse(definition);
        const reparsed = definitionSchema.parse(JSON.parse(JSON.stringify(parsed)));
        expect(reparsed).toEqual(parsed);
        expect(reparsed).toEqual(definition);
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on junk, and always answers with a consistent result", () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: true, withMap: true }),
        (junk) => {
          const result = validateDefinition(junk);
          expect(result.ok).toBe(result.diagnostics.every((d) => d.severity !== "error"));
          for (const d of result.diagnostics) expect(d.path.startsWith("$")).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws on valid definitions with one field replaced by junk", () => {
    const mutated = fc
      .tuple(
        validDefinition(1),
        fc.nat(),
        fc.constantFrom(
          "next",
          "type",
          "action",
          "params",
          "states",
          "choices",
          "branches",
          "iterator",
          "startAt",
          "until",
          "catch",
          "retry",
          "compensateWith",
        ),
        fc.anything({ maxDepth: 2 }),
      )
      .map(([definition, pick, field, junk]) => {
        const ids = Object.keys(definition.states);
        const state = definition.states[ids[pick % ids.length]!] as Record<string, unknown>;
        state[field] = junk;
        return definition;
      });
    fc.assert(
      fc.property(mutated, (definition) => {
        const result = validateDefinition(definition);
        expect(Array.isArray(result.diagnostics)).toBe(true);
        expect(result.diagnostics.every((d) => d.code !== "internal-error")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
