import { describe, expect, it } from "vitest";
import { formSchema, formUiSchema } from "./form-schema";

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
        { type: "string", title: "One text" },
        { type: "array", items: { type: "string" }, title: "A list of texts" },
      ],
    });
    expect(schema.properties?.args).toEqual({
      anyOf: [
        { type: "array", title: "A list" },
        { type: "object", title: "named" },
      ],
    });
  });
});

describe("formUiSchema", () => {
  it("hides the picked alternative's own label, and its list items', in nested objects too", () => {
    const schema = formSchema({
      type: "object",
      properties: {
        migration: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
        target: { type: "object", properties: { key: { oneOf: [{ type: "string" }, { type: "number" }] } } },
        plain: { type: "string" },
      },
    });
    expect(formUiSchema(schema)).toEqual({
      migration: {
        anyOf: [
          { "ui:label": false },
          { "ui:label": false, "ui:options": { orderable: false }, items: { "ui:label": false } },
        ],
      },
      target: { key: { oneOf: [{ "ui:label": false }, { "ui:label": false }] } },
    });
  });
});

describe("formUiSchema for values that may be expressions", () => {
  it("edits untyped params, numbers and booleans in the one-box value field, not texts or choices", () => {
    const schema = formSchema({
      type: "object",
      properties: {
        value: { description: "any JSON" },
        failTimes: { type: "integer" },
        foreignKeys: { type: "boolean", default: true },
        level: { type: "string", enum: ["info", "warn"] },
        message: { type: "string" },
      },
    });
    expect(formUiSchema(schema)).toEqual({
      value: { "ui:field": "ValueField" },
      failTimes: { "ui:field": "ValueField" },
      foreignKeys: { "ui:field": "ValueField" },
    });
  });
});
