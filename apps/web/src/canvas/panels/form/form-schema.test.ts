import { describe, expect, it } from "vitest";
import { formSchema } from "./form-schema";

describe("formSchema", () => {
  it("drops the dialect and names anyOf alternatives by type, at any depth", () => {
    const schema = formSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        sql: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
        args: { anyOf: [{ type: "array" }, { type: "object", title: "named" }] },
      },
    });
    expect(schema).not.toHaveProperty("$schema");
    expect(schema.properties?.sql).toEqual({
      anyOf: [
        { type: "string", title: "text" },
        { type: "array", items: { type: "string" }, title: "list" },
      ],
    });
    expect(schema.properties?.args).toEqual({
      anyOf: [
        { type: "array", title: "list" },
        { type: "object", title: "named" },
      ],
    });
  });
});
