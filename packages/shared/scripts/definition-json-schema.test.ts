import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validDefinition } from "../src/validator/testing/valid-definition";
import { definitionJsonSchema, definitionJsonSchemaText, SCHEMA_FILE_NAME } from "./definition-json-schema";

const committed = readFileSync(new URL(`../${SCHEMA_FILE_NAME}`, import.meta.url), "utf8");

describe(SCHEMA_FILE_NAME, { timeout: 30_000 }, () => {
  it("is up to date with the zod schemas (run `pnpm --filter @sagaflow/shared build` if not)", () => {
    expect(committed).toBe(definitionJsonSchemaText());
  });

  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(definitionJsonSchema());

  it("accepts every random valid definition, as the zod schema does", () => {
    fc.assert(
      fc.property(validDefinition(), (definition) => {
        expect(validate(definition), JSON.stringify(validate.errors)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects what the zod schema rejects: unknown state types, bad ids, unknown fields", () => {
    const base = { name: "ok", startAt: "a", states: { a: { type: "succeed" } } };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, states: { a: { type: "sleep" } } })).toBe(false);
    expect(validate({ ...base, states: { "1a": { type: "succeed" } } })).toBe(false);
    expect(validate({ ...base, states: { a: { type: "succeed", nxt: "b" } } })).toBe(false);
    expect(validate({ ...base, name: "Not A Slug" })).toBe(false);
  });
});
