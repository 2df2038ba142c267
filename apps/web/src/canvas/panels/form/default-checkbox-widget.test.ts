import Form from "@rjsf/core";
import type { RJSFSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PARAM_WIDGETS } from "./default-checkbox-widget";

const schema: RJSFSchema = {
  type: "object",
  properties: { foreignKeys: { type: "boolean", default: true }, dryRun: { type: "boolean" } },
};

/** The checkbox inputs of the params form, as the action-params panel renders it (defaults skipped). */
function checkboxes(formData: Record<string, unknown>): Record<string, boolean> {
  const html = renderToStaticMarkup(
    createElement(Form, {
      schema,
      formData,
      validator,
      widgets: PARAM_WIDGETS,
      experimental_defaultFormStateBehavior: { emptyObjectFields: "skipDefaults" },
    }),
  );
  const inputs = html.match(/<input type="checkbox"[^>]*>/g) ?? [];
  return Object.fromEntries(
    inputs.map((input) => [/id="root_(\w+)"/.exec(input)?.[1] ?? "?", / checked=""/.test(input)]),
  );
}

describe("DefaultCheckboxWidget", () => {
  it("shows the schema default while the param is absent, and an unset box without one", () => {
    expect(checkboxes({})).toEqual({ foreignKeys: true, dryRun: false });
  });

  it("shows the param's own value once it is set", () => {
    expect(checkboxes({ foreignKeys: false, dryRun: true })).toEqual({ foreignKeys: false, dryRun: true });
  });
});
