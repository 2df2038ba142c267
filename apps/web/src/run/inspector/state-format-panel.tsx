import { useRunSession } from "../live/run-session-context";

/** The Workflow State Format (SPEC §3) as the server renders it, refetched as events arrive. */
export function StateFormatPanel() {
  // As of the chosen event while time travel is on (the same function the server prints it with).
  const text = useRunSession((s) => (s.travel?.point ? s.travel.point.stateFormat : s.stateFormat));
  return (
    <div className="space-y-2 p-4">
      <p className="text-[11px] text-slate-500">
        The same text <code className="rounded bg-slate-100 px-1">sagaflow status</code> prints; it follows
        the run live.
      </p>
      <pre
        data-testid="state-format"
        className="overflow-x-auto whitespace-pre-wrap rounded-xl bg-slate-900 p-3 font-mono text-[11.5px] text-emerald-100 leading-relaxed"
      >
        {text ?? "The checkpoint of this run cannot be read (corrupt history): restore it first."}
      </pre>
    </div>
  );
}
