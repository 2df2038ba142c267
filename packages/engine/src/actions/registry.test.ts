import { describe, expect, it } from "vitest";
import { builtinActions } from "./builtin";
import { actionCatalog, builtinCatalog, createActionRegistry } from "./registry";

const SPEC_ACTIONS = [
  "sql.exec",
  "sql.query",
  "sqlite.backup",
  "sqlite.restore",
  "file.delete",
  "assert",
  "transform",
  "delay",
  "http.request",
  "log",
  "flaky",
];

describe("builtin catalog", () => {
  it("has every action of SPEC §4 with its effect", () => {
    const catalog = builtinCatalog();
    expect(Object.keys(catalog).sort()).toEqual([...SPEC_ACTIONS].sort());
    const writes = Object.values(catalog)
      .filter((entry) => entry.effect === "write")
      .map((entry) => entry.name);
    expect(writes.sort()).toEqual([
      "file.delete",
      "http.request",
      "sql.exec",
      "sqlite.backup",
      "sqlite.restore",
    ]);
    expect(catalog["http.request"]?.readOnlyWhen).toEqual({ param: "method", values: ["GET", "HEAD"] });
  });

  it("describes every action and every param, for the designer's forms", () => {
    for (const entry of Object.values(builtinCatalog())) {
      expect(entry.description.length, entry.name).toBeGreaterThan(20);
      expect(entry.params).toMatchObject({ type: "object", additionalProperties: false });
      const properties = entry.params.properties as Record<string, { description?: string }>;
      for (const [param, schema] of Object.entries(properties)) {
        expect(schema.description, `${entry.name}.${param}`).toBeTruthy();
      }
    }
  });

  it("marks params with defaults as optional, others as required (input side)", () => {
    const catalog = builtinCatalog();
    expect(catalog.assert?.params.required).toEqual(["that"]);
    expect(catalog["sql.exec"]?.params.required).toEqual(["database", "sql"]);
    expect(catalog["http.request"]?.params.required).toEqual(["url", "method"]);
    expect(catalog.flaky?.params).toMatchObject({ properties: { error: { default: "FlakyError" } } });
  });

  it("is plain JSON", () => {
    const catalog = builtinCatalog();
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
  });
});

describe("createActionRegistry", () => {
  it("finds actions by name and refuses duplicates", () => {
    const registry = createActionRegistry(builtinActions);
    expect(registry.get("sql.exec")?.effect).toBe("write");
    expect(registry.get("nope")).toBeUndefined();
    expect(() => actionCatalog([...builtinActions, builtinActions[3]!])).toThrow(/more than once/);
  });
});
