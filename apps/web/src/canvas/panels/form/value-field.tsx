import type { FieldProps, RegistryFieldsType } from "@rjsf/utils";
import { expressionProblem, isExpression } from "@sagaflow/shared";
import { useEffect, useState } from "react";
import { parseValueText, type ValueKind, valueToText } from "./value-text";

function kindOf(schema: FieldProps["schema"]): ValueKind {
  if (schema.type === "integer" || schema.type === "number" || schema.type === "boolean") return schema.type;
  return "any";
}

const PLACEHOLDER: Record<ValueKind, string> = {
  any: '"text", 42, { "key": … } or {% $input.value %}',
  number: "a number or {% … %}",
  integer: "a whole number or {% … %}",
  boolean: "",
};

/**
 * One box for a param that may hold any JSON value or an expression, and for numbers and booleans
 * (which may hold an expression too): the generated form has no widget for untyped params and would
 * show a number or a checkbox empty when it holds `{% … %}`.
 */
export function ValueField(props: FieldProps) {
  const kind = kindOf(props.schema);
  const id = props.fieldPathId.$id;
  const [text, setText] = useState(valueToText(props.formData));
  const [error, setError] = useState<string>();
  const [asExpression, setAsExpression] = useState(false);
  useEffect(() => {
    // Follow outside changes (undo, the JSON view) unless the box holds text that does not parse yet.
    setText((current) => {
      const parsed = parseValueText(current, kind);
      if (!parsed.ok || JSON.stringify(parsed.value) === JSON.stringify(props.formData)) return current;
      return valueToText(props.formData);
    });
  }, [props.formData, kind]);

  const commit = (next: string) => {
    setText(next);
    const parsed = parseValueText(next, kind);
    if (!parsed.ok) return setError(parsed.error);
    setError(isExpression(parsed.value) ? expressionProblem(parsed.value)?.message : undefined);
    props.onChange(parsed.value, props.fieldPathId.path);
  };

  const label = props.schema.title ?? props.name;
  const expression = isExpression(props.formData);
  const showBox = kind !== "boolean" || expression || asExpression;
  const shownDefault = props.schema.default;
  return (
    <div className="min-w-0 space-y-1" data-param={props.name}>
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="control-label">
          {label}
          {props.required ? " *" : ""}
        </label>
        {kind === "boolean" && (
          <button
            type="button"
            className="text-[11px] text-indigo-700 hover:underline"
            onClick={() => {
              setAsExpression(!showBox);
              if (showBox) commit("");
            }}
          >
            {showBox ? "Use a checkbox" : "Use an expression"}
          </button>
        )}
      </div>
      {showBox ? (
        <textarea
          id={id}
          name={props.name}
          rows={kind === "any" ? Math.min(8, Math.max(2, text.split("\n").length)) : 1}
          spellCheck={false}
          className="resize-y"
          value={text}
          placeholder={PLACEHOLDER[kind]}
          aria-invalid={error ? true : undefined}
          onChange={(e) => commit(e.target.value)}
        />
      ) : (
        <label className="flex items-center gap-2 text-[13px] text-slate-700">
          <input
            id={id}
            type="checkbox"
            className="accent-indigo-600"
            checked={(props.formData ?? shownDefault) === true}
            onChange={(e) => props.onChange(e.target.checked, props.fieldPathId.path)}
          />
          {props.formData === undefined && typeof shownDefault === "boolean" ? "default" : "on"}
        </label>
      )}
      {error ? (
        <p className="text-[11px] text-rose-700">{error}</p>
      ) : (
        props.schema.description && <p className="text-[11px] text-slate-600">{props.schema.description}</p>
      )}
    </div>
  );
}

export const PARAM_FIELDS: RegistryFieldsType = { ValueField };
