import Form from "@rjsf/core";
import type { UiSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import type { JsonValue } from "@sagaflow/shared";
import { useMemo, useState } from "react";
import { FormJsonToggle, type InputMode } from "../../canvas/panels/form/form-json-toggle";
import { formSchema, formUiSchema } from "../../canvas/panels/form/form-schema";
import { navigate } from "../../lib/route";
import { toast } from "../../lib/toast";
import { api, errorMessage } from "../../lib/trpc";
import { JsonInput, type ParsedJson } from "../ui/json-input";

const UI_SCHEMA: UiSchema = { "ui:submitButtonOptions": { norender: true } };

/**
 * Starts a run of a saved version: the input as a form generated from the definition's `inputSchema`
 * (@rjsf), or as raw JSON. Opens the run live once the server has it.
 */
export function StartRunDialog(props: {
  name: string;
  version: number;
  inputSchema: Record<string, unknown> | undefined;
  onClose: () => void;
}) {
  const hasForm = props.inputSchema !== undefined && props.inputSchema.type === "object";
  const [mode, setMode] = useState<InputMode>(hasForm ? "form" : "json");
  const [input, setInput] = useState<JsonValue>({});
  const [json, setJson] = useState<ParsedJson>({ ok: true, value: {} });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // Alternatives (anyOf) named by type, as in the params form: "One text" / "A list of texts", not "Option 1".
  const schema = useMemo(
    () => (props.inputSchema ? formSchema(props.inputSchema) : undefined),
    [props.inputSchema],
  );
  const uiSchema = useMemo(() => ({ ...UI_SCHEMA, ...(schema ? formUiSchema(schema) : {}) }), [schema]);

  const start = async () => {
    const value = mode === "form" ? input : json.ok ? json.value : undefined;
    if (value === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const { runId } = await api.runs.start.mutate({
        name: props.name,
        version: props.version,
        input: value,
      });
      toast(`Started ${props.name} v${props.version}`, "success");
      props.onClose();
      navigate({ page: "run", runId });
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4">
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Start a run"
        data-testid="start-run-dialog"
        className="flex max-h-[85vh] w-full max-w-lg flex-col rounded-2xl bg-white shadow-2xl"
      >
        <div className="flex items-center justify-between border-slate-100 border-b px-5 py-3.5">
          <div>
            <h2 className="font-semibold text-[15px] text-slate-900">Start a run</h2>
            <p className="font-mono text-[11px] text-slate-400">
              {props.name} v{props.version}
            </p>
          </div>
          {hasForm && <FormJsonToggle mode={mode} onChange={setMode} testIdPrefix="input-mode" />}
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">
          {mode === "form" && schema ? (
            <div className="sf-rjsf">
              <Form
                schema={schema}
                uiSchema={uiSchema}
                formData={input}
                validator={validator}
                noHtml5Validate
                showErrorList={false}
                tagName="div"
                onChange={(event) => setInput((event.formData ?? {}) as JsonValue)}
              />
            </div>
          ) : (
            <JsonInput
              label="Input"
              name="run-input"
              initial={JSON.stringify(input, null, 2)}
              rows={10}
              emptyAs={{}}
              onChange={setJson}
            />
          )}
          {error && (
            <p
              className="mt-3 rounded-lg bg-rose-50 px-3 py-2 text-[12px] text-rose-700"
              data-testid="start-error"
            >
              {error}
            </p>
          )}
        </div>
        <div className="flex justify-end gap-2 border-slate-100 border-t px-5 py-3">
          <button
            type="button"
            onClick={props.onClose}
            className="rounded-lg border border-slate-200 px-3 py-1.5 text-[13px] text-slate-600 hover:bg-slate-50"
          >
            Cancel
          </button>
          <button
            type="button"
            data-testid="start-run-confirm"
            disabled={busy || (mode === "json" && !json.ok)}
            onClick={() => void start()}
            className="rounded-lg bg-emerald-600 px-4 py-1.5 font-semibold text-[13px] text-white shadow-sm hover:bg-emerald-500 disabled:opacity-60"
          >
            {busy ? "Starting…" : "▶ Start run"}
          </button>
        </div>
      </div>
    </div>
  );
}
