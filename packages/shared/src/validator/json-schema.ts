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
  return { ok: true, errors: simplify(validate.errors ?? []) };
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

/**
 * One message per problem. A failed anyOf/oneOf makes ajv report every alternative's failure at the same
 * path: when some alternative failed deeper (e.g. an array's item), that deeper error is the useful one;
 * otherwise the alternatives are merged into one message.
 */
function simplify(errors: ErrorObject[]): SchemaError[] {
  const unions = new Set(
    errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => e.instancePath),
  );
  const result: SchemaError[] = [];
  const merged = new Map<string, string[]>();
  for (const error of errors) {
    const at = error.instancePath;
    if (!unions.has(at)) {
      result.push(toSchemaError(error));
      continue;
    }
    const deeper = errors.some((other) => other.instancePath.startsWith(`${at}/`));
    if (deeper || error.keyword === "anyOf" || error.keyword === "oneOf") continue;
    merged.set(at, [...(merged.get(at) ?? []), toSchemaError(error).message]);
  }
  for (const [instancePath, messages] of merged) {
    result.push({ instancePath, message: [...new Set(messages)].join(", or ") });
  }
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
