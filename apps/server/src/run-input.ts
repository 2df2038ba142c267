import { boundedRegExp, PatternTimeoutError } from "@sagaflow/engine";
import { Ajv, type Options, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { RegExpEngine } from "ajv/dist/types/index.js";

/** Checks a run's input against its definition's `inputSchema` (compiled once per definition version). */

const regExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => boundedRegExp(pattern, flags),
  {
    code: "boundedRegExp",
  },
);
const options: Options = {
  allErrors: true,
  strict: false,
  validateFormats: false,
  logger: false,
  // A definition's `pattern`s are user code: each test runs in an isolate with a time limit.
  code: { regExp },
};
const draft7 = new Ajv(options);
const draft2020 = new Ajv2020(options);
const compiled = new Map<string, ValidateFunction>();

export type InputCheck = { ok: true } | { ok: false; problems: string[] };

export function checkRunInput(
  key: string,
  schema: Record<string, unknown> | undefined,
  input: unknown,
): InputCheck {
  if (!schema) return { ok: true };
  let validate = compiled.get(key);
  if (!validate) {
    // `$schema` picks the dialect, then is dropped so ajv needs no meta-schema to compile it.
    const { $schema, ...rest } = schema;
    const ajv = typeof $schema === "string" && /draft-0[4-7]/.test($schema) ? draft7 : draft2020;
    validate = ajv.compile(rest);
    compiled.set(key, validate);
  }
  try {
    if (validate(input)) return { ok: true };
  } catch (error) {
    if (error instanceof PatternTimeoutError) return { ok: false, problems: [`input: ${error.message}`] };
    throw error;
  }
  const problems = (validate.errors ?? []).map((error) => {
    const where = error.instancePath ? `input${error.instancePath.replaceAll("/", ".")}` : "input";
    if (error.keyword === "required")
      return `${where}: missing required property "${String(error.params.missingProperty)}"`;
    if (error.keyword === "additionalProperties") {
      return `${where}: unknown property "${String(error.params.additionalProperty)}"`;
    }
    return `${where}: ${error.message ?? error.keyword}`;
  });
  return { ok: false, problems };
}
