import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";

/** JSON Schema checks with ajv: action params and a definition's inputSchema. */

export interface SchemaError {
  /** JSON Pointer into the checked value. */
  instancePath: string;
  message: string;
}

export type SchemaCheck = { ok: true; errors: SchemaError[] } | { ok: false; reason: string };

const options = { allErrors: true, strict: false, validateFormats: false, logger: false } as const;
let draft7: Ajv | undefined;
let draft2020: Ajv2020 | undefined;
/** Compiled schemas by their JSON text: parsed definitions are fresh objects, their schemas rarely change. */
const compiled = new Map<string, ValidateFunction | string>();
const MAX_CACHED = 500;

/** Compiles (once per schema object) and runs a schema; `ok: false` when the schema itself is unusable. */
export function checkAgainstSchema(schema: Record<string, unknown>, value: unknown): SchemaCheck {
  const validate = compile(schema);
  if (typeof validate === "string") return { ok: false, reason: validate };
  if (validate(value)) return { ok: true, errors: [] };
  return { ok: true, errors: (validate.errors ?? []).map(toSchemaError) };
}

/** Why a schema cannot be compiled, or undefined when it can. */
export function schemaProblem(schema: Record<string, unknown>): string | undefined {
  const validate = compile(schema);
  return typeof validate === "string" ? validate : undefined;
}

function draft7Validator(): Ajv {
  draft7 ??= new Ajv(options);
  return draft7;
}

function draft2020Validator(): Ajv2020 {
  draft2020 ??= new Ajv2020(options);
  return draft2020;
}

function compile(schema: Record<string, unknown>): ValidateFunction | string {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached) return cached;
  let result: ValidateFunction | string;
  try {
    // Drafts differ in a few keywords; `$schema` picks the dialect and is then dropped so ajv needs no meta-schema.
    const { $schema, ...rest } = schema;
    const dialect = typeof $schema === "string" && /draft-0[4-7]/.test($schema) ? "draft7" : "draft2020";
    const ajv = dialect === "draft7" ? draft7Validator() : draft2020Validator();
    result = ajv.compile(rest);
  } catch (error) {
    result = error instanceof Error ? error.message : String(error);
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(key, result);
  return result;
}

function toSchemaError(error: ErrorObject): SchemaError {
  const { instancePath, keyword, params } = error;
  let message = error.message ?? keyword;
  if (keyword === "additionalProperties") message = `unknown param "${String(params.additionalProperty)}"`;
  if (keyword === "required") message = `missing required param "${String(params.missingProperty)}"`;
  if (keyword === "enum")
    message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  return { instancePath, message };
}
