export type InputMode = "form" | "json";

/** Switches a value's editor between the generated form and raw JSON (action params, a run's input). */
export function FormJsonToggle({
  mode,
  onChange,
  testIdPrefix,
}: {
  mode: InputMode;
  onChange: (mode: InputMode) => void;
  /** Gives each button `data-testid="<prefix>-form"` / `"<prefix>-json"`. */
  testIdPrefix?: string;
}) {
  return (
    <div className="flex rounded-md border border-slate-200 p-0.5 text-[11px]">
      {(["form", "json"] as const).map((m) => (
        <button
          key={m}
          type="button"
          data-testid={testIdPrefix ? `${testIdPrefix}-${m}` : undefined}
          onClick={() => onChange(m)}
          className={`rounded px-2 py-0.5 ${mode === m ? "bg-slate-800 text-white" : "text-slate-500 hover:text-slate-800"}`}
        >
          {m === "form" ? "Form" : "JSON"}
        </button>
      ))}
    </div>
  );
}
