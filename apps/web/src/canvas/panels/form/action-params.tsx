import Form from "@rjsf/core";
import type { UiSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import type { ActionCatalog, JsonValue } from "@sagaflow/shared";
import { memo, useMemo, useState } from "react";
import { PARAM_WIDGETS } from "./default-checkbox-widget";
import { JsonField, SelectField } from "./fields";
import { FormJsonToggle, type InputMode } from "./form-json-toggle";
import { formSchema, formUiSchema } from "./form-schema";

const UI_SCHEMA: UiSchema = { "ui:submitButtonOptions": { norender: true } };

/** Defaults stay the action's business: the form must not write them into the definition. */
const SKIP_DEFAULTS = { emptyObjectFields: "skipDefaults" } as const;

/** The action picked from the server's catalog, and its params as a form generated from the action's JSON Schema. */
export const ActionParams = memo(function ActionParams(props: {
  action: string;
  params: Record<string, JsonValue> | undefined;
  catalog: ActionCatalog | undefined;
  onAction: (action: string) => void;
  onParams: (params: Record<string, JsonValue> | undefined) => void;
}) {
  const entry = props.catalog?.[props.action];
  const [mode, setMode] = useState<InputMode>("form");
  const schema = useMemo(() => (entry ? formSchema(entry.params) : undefined), [entry]);
  const uiSchema = useMemo(() => ({ ...UI_SCHEMA, ...(schema ? formUiSchema(schema) : {}) }), [schema]);
  const options = Object.values(props.catalog ?? {}).map((a) => ({ value: a.name, label: a.name }));
  if (!options.some((o) => o.value === props.action))
    options.unshift({ value: props.action, label: `${props.action}${props.catalog ? " (unknown)" : ""}` });
  const hasExpressions = JSON.stringify(props.params ?? {}).includes("{%");
  return (
    <div className="space-y-3">
      <SelectField
        label="Action"
        name="action"
        value={props.action}
        options={options}
        onChange={(v) => v && props.onAction(v)}
        hint={entry ? `${entry.description} · effect: ${entry.effect}` : undefined}
      />
      <div className="flex items-center justify-between">
        <span className="font-medium text-[11px] text-slate-500 uppercase tracking-wide">Params</span>
        <FormJsonToggle mode={mode} onChange={setMode} />
      </div>
      {mode === "form" && schema ? (
        <div className="sf-rjsf">
          {hasExpressions && (
            <p className="mb-2 text-[11px] text-slate-400">
              Fields may hold JSONata expressions written {"{% … %}"}.
            </p>
          )}
          <Form
            schema={schema}
            uiSchema={uiSchema}
            formData={props.params ?? {}}
            validator={validator}
            widgets={PARAM_WIDGETS}
            noHtml5Validate
            experimental_defaultFormStateBehavior={SKIP_DEFAULTS}
            showErrorList={false}
            tagName="div"
            onChange={(event) => {
              const next = (event.formData ?? {}) as Record<string, JsonValue>;
              if (JSON.stringify(next) !== JSON.stringify(props.params ?? {})) props.onParams(next);
            }}
          />
        </div>
      ) : (
        <JsonField
          label="Params (JSON)"
          value={props.params}
          onChange={(v) => props.onParams(v && typeof v === "object" && !Array.isArray(v) ? v : undefined)}
          rows={6}
        />
      )}
    </div>
  );
});
