import Form from "@rjsf/core";
import type { UiSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import type { ActionCatalog, JsonValue } from "@sagaflow/shared";
import { memo, useMemo, useState } from "react";
import { dropCarried, switchAction } from "./action-switch";
import { PARAM_WIDGETS } from "./default-checkbox-widget";
import { JsonField, SelectField } from "./fields";
import { FormJsonToggle, type InputMode } from "./form-json-toggle";
import { formSchema, formUiSchema } from "./form-schema";
import { PARAM_FIELDS } from "./value-field";

const UI_SCHEMA: UiSchema = { "ui:submitButtonOptions": { norender: true } };

/** Defaults stay the action's business: the form must not write them into the definition. */
const SKIP_DEFAULTS = { emptyObjectFields: "skipDefaults" } as const;

/** The action picked from the server's catalog, and its params as a form generated from the action's JSON Schema. */
export const ActionParams = memo(function ActionParams(props: {
  action: string;
  params: Record<string, JsonValue> | undefined;
  catalog: ActionCatalog | undefined;
  /** A new action, with the params it starts with (see `switchAction`). */
  onAction: (action: string, params: Record<string, JsonValue> | undefined) => void;
  onParams: (params: Record<string, JsonValue> | undefined) => void;
}) {
  const entry = props.catalog?.[props.action];
  const [mode, setMode] = useState<InputMode>("form");
  const [switched, setSwitched] = useState<{ from: string; carried: string[]; unknown: string[] }>();
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
        onChange={(v) => {
          if (!v || v === props.action) return;
          const next = switchAction(props.params, props.catalog?.[v]);
          props.onAction(v, next.params);
          setSwitched(next.carried.length > 0 ? { from: props.action, ...next } : undefined);
        }}
        hint={entry ? `${entry.description} · effect: ${entry.effect}` : undefined}
      />
      {switched && (
        <div
          className="space-y-1.5 rounded-lg border border-amber-200 bg-amber-50 p-2.5 text-[12px] text-amber-900"
          data-testid="carried-params"
        >
          <p>
            Kept from <b>{switched.from}</b>: {switched.carried.join(", ")}
            {switched.unknown.length > 0 && (
              <>
                {" "}
                ({switched.unknown.join(", ")} not a param of {props.action})
              </>
            )}
            .
          </p>
          <div className="flex gap-1.5">
            <button
              type="button"
              className="rounded-md bg-amber-700 px-2 py-0.5 font-medium text-white"
              onClick={() => {
                props.onParams(dropCarried(props.params, switched.carried, entry));
                setSwitched(undefined);
              }}
            >
              Drop them
            </button>
            <button
              type="button"
              className="rounded-md px-2 py-0.5 text-amber-900 hover:bg-amber-100"
              onClick={() => setSwitched(undefined)}
            >
              Keep
            </button>
          </div>
        </div>
      )}
      <div className="flex items-center justify-between">
        <span className="font-medium text-[11px] text-slate-500 uppercase tracking-wide">Params</span>
        <FormJsonToggle mode={mode} onChange={setMode} />
      </div>
      {mode === "form" && schema ? (
        <div className="sf-rjsf min-w-0">
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
            fields={PARAM_FIELDS}
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
