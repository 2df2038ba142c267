import type { RJSFSchema } from "@rjsf/utils";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A short name for one alternative of an anyOf/oneOf, from its type. */
function describe(option: Record<string, unknown>): string {
  const type = option.type;
  if (Array.isArray(type)) return type.join(" or ");
  if (type === "string") return "text";
  if (type === "array") return "list";
  if (type === "object") return "object";
  if (typeof type === "string") return type;
  if ("const" in option) return JSON.stringify(option.const);
  return "value";
}

/**
 * The catalog's JSON Schema made ready for the generated form: no `$schema` dialect (the form's
 * validator does not load draft 2020-12), and alternatives named by their type instead of "Option 1".
 */
export function formSchema(params: Record<string, unknown>): RJSFSchema {
  const { $schema: _dialect, ...schema } = params;
  return nameAlternatives(schema) as RJSFSchema;
}

function nameAlternatives(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nameAlternatives);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((option) => {
        const named = nameAlternatives(option);
        return isObject(named) && named.title === undefined ? { ...named, title: describe(named) } : named;
      });
    } else {
      out[key] = nameAlternatives(value);
    }
  }
  return out;
}
