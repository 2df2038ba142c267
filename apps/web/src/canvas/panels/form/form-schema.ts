import type { RJSFSchema, UiSchema } from "@rjsf/utils";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** What one value of a type is called in the form's picker. */
function nameOfType(type: unknown): string {
  if (Array.isArray(type)) return type.map(nameOfType).join(" or ");
  if (type === "string") return "text";
  if (type === "array") return "list";
  if (typeof type === "string") return type;
  return "value";
}

/** A short name for one alternative of an anyOf/oneOf, from its type ("One text", "A list of texts"). */
function describe(option: Record<string, unknown>): string {
  if ("const" in option) return JSON.stringify(option.const);
  if (option.type === "array") {
    const items = isObject(option.items) ? option.items.type : undefined;
    if (items === undefined) return "A list";
    return Array.isArray(items) ? "A list of values" : `A list of ${nameOfType(items)}s`;
  }
  if (option.type === undefined) return "Any value";
  return `One ${nameOfType(option.type)}`;
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

/** How the picked alternative shows: its name is already in the picker above it, so no second label. */
function alternativeUi(option: unknown): UiSchema {
  if (isObject(option) && option.type === "array")
    return { "ui:label": false, "ui:options": { orderable: false }, items: { "ui:label": false } };
  return { "ui:label": false };
}

const SHAPED = ["type", "anyOf", "oneOf", "allOf", "enum", "const", "$ref", "properties", "items"];

/**
 * Params edited in one box that takes an expression too: untyped ones (any JSON value; the generated
 * form has no widget for them) and numbers and booleans (whose inputs cannot show `{% … %}`).
 */
export function usesValueField(property: Record<string, unknown>): boolean {
  if (property.enum !== undefined) return false;
  if (["number", "integer", "boolean"].includes(property.type as string)) return true;
  return !SHAPED.some((key) => key in property);
}

/**
 * The uiSchema that goes with `formSchema`: each property with alternatives shows one label (the
 * property's) and a picker, not the alternative's name again above its input, at any depth of objects.
 */
export function formUiSchema(schema: RJSFSchema): UiSchema {
  const ui: UiSchema = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (!isObject(property)) continue;
    const alternatives = property.anyOf ?? property.oneOf;
    if (usesValueField(property)) {
      ui[key] = { "ui:field": "ValueField" };
    } else if (Array.isArray(alternatives)) {
      ui[key] = { [property.anyOf ? "anyOf" : "oneOf"]: alternatives.map(alternativeUi) };
    } else if (property.type === "object") {
      const nested = formUiSchema(property as RJSFSchema);
      if (Object.keys(nested).length > 0) ui[key] = nested;
    }
  }
  return ui;
}
