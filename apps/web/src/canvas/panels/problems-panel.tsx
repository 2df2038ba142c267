import { memo } from "react";
import { useEditor } from "../store/editor-context";

/** A list of thousands would take seconds to draw and nobody reads that far. */
const SHOWN = 300;

/** Every diagnostic of the live validation; a click focuses the state it is about. */
export const ProblemsPanel = memo(function ProblemsPanel({
  onFocus,
  onClose,
}: {
  onFocus: (stateId: string) => void;
  onClose: () => void;
}) {
  const diagnostics = useEditor((s) => s.diagnostics);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return (
    <div
      className="flex h-full min-h-0 w-full flex-col border-slate-200 border-t bg-white"
      data-testid="problems"
    >
      <div className="flex items-center gap-3 border-slate-100 border-b px-4 py-2">
        <span className="font-semibold text-[12px] text-slate-700">Problems</span>
        <span className="rounded-full bg-rose-50 px-2 py-px font-medium text-[11px] text-rose-700">
          {errors} errors
        </span>
        <span className="rounded-full bg-amber-50 px-2 py-px font-medium text-[11px] text-amber-700">
          {diagnostics.length - errors} warnings
        </span>
        <button
          type="button"
          onClick={onClose}
          className="ml-auto text-[12px] text-slate-400 hover:text-slate-700"
        >
          Close
        </button>
      </div>
      <ul className="flex-1 overflow-y-auto py-1">
        {diagnostics.length === 0 && (
          <li className="px-4 py-3 text-[12px] text-emerald-600">No problems. The workflow is valid.</li>
        )}
        {diagnostics.slice(0, SHOWN).map((d, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: diagnostics are a fresh list each time
          <li key={i}>
            <button
              type="button"
              disabled={!d.stateId}
              onClick={() => d.stateId && onFocus(d.stateId)}
              className="flex w-full items-start gap-2.5 px-4 py-1.5 text-left hover:bg-slate-50 disabled:cursor-default"
              data-problem={d.code}
            >
              <span
                className={`mt-1 h-2 w-2 shrink-0 rounded-full ${d.severity === "error" ? "bg-rose-500" : "bg-amber-400"}`}
              />
              <span className="min-w-0 flex-1 text-[12px] text-slate-700">{d.message}</span>
              {d.stateId && (
                <span className="shrink-0 rounded bg-slate-100 px-1.5 py-px font-mono text-[10.5px] text-slate-500">
                  {d.stateId}
                </span>
              )}
            </button>
          </li>
        ))}
        {diagnostics.length > SHOWN && (
          <li className="px-4 py-1.5 text-[12px] text-slate-500">
            …and {diagnostics.length - SHOWN} more. Fix these first, or find a state with Ctrl+K.
          </li>
        )}
      </ul>
    </div>
  );
});
