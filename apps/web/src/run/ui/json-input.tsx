import type { JsonValue } from "@sagaflow/shared";
import { useState } from "react";

export type ParsedJson = { ok: true; value: JsonValue } | { ok: false; message: string };

export function parseJson(text: string, emptyAs: JsonValue | undefined = undefined): ParsedJson {
  if (text.trim() === "") {
    return emptyAs === undefined
      ? { ok: false, message: "Enter a JSON value" }
      : { ok: true, value: emptyAs };
  }
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** A JSON text box that says what is wrong as you type. */
export function JsonInput(props: {
  label: string;
  name: string;
  initial: string;
  rows?: number;
  emptyAs?: JsonValue;
  onChange: (parsed: ParsedJson) => void;
}) {
  const [text, setText] = useState(props.initial);
  const [error, setError] = useState<string>();
  return (
    <label className="block">
      <span className="mb-1 block font-medium text-[11px] text-slate-500 uppercase tracking-wide">
        {props.label}
      </span>
      <textarea
        name={props.name}
        rows={props.rows ?? 6}
        spellCheck={false}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          const parsed = parseJson(event.target.value, props.emptyAs);
          setError(parsed.ok ? undefined : parsed.message);
          props.onChange(parsed);
        }}
        className={`w-full resize-y rounded-lg border bg-white px-2.5 py-2 font-mono text-[12px] outline-none focus:border-indigo-400 focus:ring-2 focus:ring-indigo-100 ${error ? "border-rose-300" : "border-slate-200"}`}
      />
      {error && <span className="mt-1 block text-[11px] text-rose-600">{error}</span>}
    </label>
  );
}
