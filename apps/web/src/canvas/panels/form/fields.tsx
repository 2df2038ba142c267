import { expressionProblem, isExpression, type JsonValue } from "@sagaflow/shared";
import { type ReactNode, useEffect, useId, useState } from "react";

/** Small controlled inputs for the inspector; each reports a value, never an event. */

const inputClass =
  "w-full rounded-lg border border-slate-200 bg-white px-2.5 py-1.5 text-[13px] text-slate-800 shadow-xs outline-none transition placeholder:text-slate-400 focus:border-indigo-400 focus:ring-2 focus:ring-indigo-100";

export function Field({
  label,
  hint,
  error,
  children,
  htmlFor,
}: {
  label: string;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div className="space-y-1">
      <label
        htmlFor={htmlFor}
        className="block font-medium text-[11px] text-slate-500 uppercase tracking-wide"
      >
        {label}
      </label>
      {children}
      {error ? (
        <p className="text-[11px] text-rose-600">{error}</p>
      ) : hint ? (
        <p className="text-[11px] text-slate-400">{hint}</p>
      ) : null}
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  placeholder?: string;
  hint?: ReactNode;
  mono?: boolean;
  name?: string;
}) {
  const id = useId();
  return (
    <Field label={props.label} hint={props.hint} htmlFor={id}>
      <input
        id={id}
        name={props.name}
        className={`${inputClass} ${props.mono ? "font-mono text-[12px]" : ""}`}
        value={props.value ?? ""}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value)}
      />
    </Field>
  );
}

/** A text that commits on Enter or blur (renames: every keystroke would be a different state). */
export function CommitField(props: {
  label: string;
  value: string;
  /** Returning false refuses the value (the field shows the old one again). */
  onCommit: (value: string) => unknown;
  validate?: (value: string) => string | undefined;
  name?: string;
  hint?: ReactNode;
}) {
  const id = useId();
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const error = draft !== props.value ? props.validate?.(draft) : undefined;
  const commit = () => {
    if (draft === props.value || error) return;
    if (props.onCommit(draft) === false) setDraft(props.value);
  };
  return (
    <Field label={props.label} error={error} hint={props.hint} htmlFor={id}>
      <input
        id={id}
        name={props.name}
        className={`${inputClass} font-mono text-[12px] ${error ? "border-rose-300" : ""}`}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setDraft(props.value);
        }}
      />
    </Field>
  );
}

export function NumberField(props: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  min?: number;
  placeholder?: string;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <Field label={props.label} hint={props.hint} htmlFor={id}>
      <input
        id={id}
        type="number"
        min={props.min}
        className={inputClass}
        value={props.value ?? ""}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value === "" ? undefined : Number(e.target.value))}
      />
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T | undefined;
  options: readonly { value: T; label: string }[];
  onChange: (value: T | undefined) => void;
  placeholder?: string;
  hint?: ReactNode;
  name?: string;
}) {
  const id = useId();
  return (
    <Field label={props.label} hint={props.hint} htmlFor={id}>
      <select
        id={id}
        name={props.name}
        className={inputClass}
        value={props.value ?? ""}
        onChange={(e) => props.onChange(e.target.value === "" ? undefined : (e.target.value as T))}
      >
        <option value="">{props.placeholder ?? "—"}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckboxField(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
}) {
  return (
    <label className="flex cursor-pointer items-start gap-2 text-[13px] text-slate-700">
      <input
        type="checkbox"
        className="mt-0.5 accent-indigo-600"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span>
        {props.label}
        {props.hint && <span className="block text-[11px] text-slate-400">{props.hint}</span>}
      </span>
    </label>
  );
}

/** A JSONata field: checked for syntax as you type (the shared validator's parser). */
export function ExpressionField(props: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  required?: boolean;
  placeholder?: string;
  name?: string;
}) {
  const id = useId();
  const value = props.value ?? "";
  const problem = value ? expressionProblem(value) : undefined;
  const notExpression = props.required && value !== "" && !isExpression(value);
  const error = problem?.message ?? (notExpression ? "Write an expression as {% … %}" : undefined);
  return (
    <Field
      label={props.label}
      error={error}
      hint={isExpression(value) ? "JSONata ✓" : "JSONata inside {% … %}, or a literal"}
      htmlFor={id}
    >
      <textarea
        id={id}
        name={props.name}
        rows={Math.min(4, Math.max(1, value.split("\n").length))}
        spellCheck={false}
        className={`${inputClass} resize-y font-mono text-[12px] ${error ? "border-rose-300 focus:border-rose-400 focus:ring-rose-100" : ""}`}
        value={value}
        placeholder={props.placeholder ?? "{% $input.value %}"}
        onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value)}
      />
    </Field>
  );
}

const print = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 2));

/** Any JSON value as text; text that does not parse stays in the box with its error, never lost. */
export function JsonField(props: {
  label: string;
  value: unknown;
  onChange: (value: JsonValue | undefined) => void;
  rows?: number;
  hint?: ReactNode;
}) {
  const id = useId();
  const [text, setText] = useState(print(props.value));
  const [error, setError] = useState<string>();
  useEffect(() => {
    // Follow outside changes unless the box holds text that does not parse yet.
    setText((current) => {
      try {
        if (current.trim() !== "" && JSON.stringify(JSON.parse(current)) === JSON.stringify(props.value))
          return current;
      } catch {
        return current;
      }
      return print(props.value);
    });
  }, [props.value]);
  return (
    <Field label={props.label} error={error} hint={props.hint} htmlFor={id}>
      <textarea
        id={id}
        rows={props.rows ?? 4}
        spellCheck={false}
        className={`${inputClass} resize-y font-mono text-[12px] ${error ? "border-rose-300" : ""}`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setError(undefined);
            props.onChange(undefined);
            return;
          }
          try {
            const parsed = JSON.parse(e.target.value) as JsonValue;
            setError(undefined);
            props.onChange(parsed);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      />
    </Field>
  );
}

export function Section({
  title,
  children,
  aside,
}: {
  title: string;
  children: ReactNode;
  aside?: ReactNode;
}) {
  return (
    <section className="space-y-3 border-slate-100 border-t px-4 py-3.5">
      <div className="flex items-center justify-between">
        <h3 className="font-semibold text-[11px] text-slate-400 uppercase tracking-wider">{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

export function SmallButton({
  children,
  onClick,
  tone = "slate",
  title,
}: {
  children: ReactNode;
  onClick: () => void;
  tone?: "slate" | "rose" | "indigo";
  title?: string;
}) {
  const tones = {
    slate: "border-slate-200 text-slate-600 hover:bg-slate-50",
    rose: "border-rose-200 text-rose-600 hover:bg-rose-50",
    indigo: "border-indigo-200 text-indigo-600 hover:bg-indigo-50",
  };
  return (
    <button
      type="button"
      title={title}
      onClick={onClick}
      className={`rounded-md border bg-white px-2 py-1 font-medium text-[11px] transition ${tones[tone]}`}
    >
      {children}
    </button>
  );
}
