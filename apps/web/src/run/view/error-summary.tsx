import { useRunSession } from "../live/run-session-context";

/** Step Functions' error summary: what failed, why, and what the compensation undid, on top of the graph. */
export function ErrorSummary({ onSelect }: { onSelect: (stateId: string) => void }) {
  useRunSession((s) => s.modelVersion);
  const model = useRunSession((s) => s.model);
  const status = useRunSession((s) => s.status);
  const suspension = useRunSession((s) => s.snapshot?.suspension ?? null);
  const compensation = useRunSession((s) => s.snapshot?.compensation ?? null);
  const failedStep = Object.values(model.steps)
    .filter((step) => step.status === "failed" && step.stateType !== "compensation")
    .sort((a, b) => (b.endedAt ?? "").localeCompare(a.endedAt ?? ""))[0];
  // The run's cause and a compensation's failure are two errors, each named on its own: the model's
  // `error` of a compensation_failed run is the compensation's, never the failed step's.
  const undoFailure = status === "compensation_failed" ? (compensation?.failed ?? null) : null;
  const error = undoFailure
    ? (compensation?.error ?? failedStep?.error ?? null)
    : (model.error ?? failedStep?.error ?? null);
  if (!error && model.compensations.length === 0 && !suspension) return null;
  const severe = status === "compensation_failed" || status === "failed" || status === "suspended";
  return (
    <div
      data-testid="error-summary"
      className={`flex shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-b px-4 py-2 text-[12px] ${severe ? "border-rose-200 bg-rose-50 text-rose-800" : "border-violet-200 bg-violet-50 text-violet-900"}`}
    >
      {error && (
        <span data-testid="run-cause">
          {failedStep && (
            <button
              type="button"
              className="mr-1 font-semibold underline decoration-dotted underline-offset-2"
              onClick={() => onSelect(failedStep.stateId)}
            >
              {failedStep.stateId}
            </button>
          )}
          <span className="font-mono font-semibold">{error.error}</span>: {error.message}
        </span>
      )}
      {suspension && !error && <span>{suspension.message}</span>}
      {undoFailure && (
        <span data-testid="compensation-failure">
          <button
            type="button"
            className="mr-1 font-semibold underline decoration-dotted underline-offset-2"
            onClick={() => onSelect(undoFailure.compensationStateId)}
          >
            {undoFailure.compensationStateId}
          </button>{" "}
          could not undo {undoFailure.taskStateId}:{" "}
          <span className="font-mono font-semibold">{undoFailure.error.error}</span>:{" "}
          {undoFailure.error.message}
        </span>
      )}
      {model.compensations.length > 0 && (
        <span className="flex flex-wrap items-center gap-1.5" data-testid="compensation-trace">
          <span className="font-semibold">Compensation:</span>
          {model.compensations.map((c) => (
            <button
              key={c.order}
              type="button"
              onClick={() => onSelect(c.compensationStateId)}
              data-compensation-order={c.order}
              data-compensation-status={c.status}
              className="flex items-center gap-1 rounded-full bg-white/70 px-2 py-0.5 ring-1 ring-violet-200 hover:bg-white"
            >
              <span
                className={`flex h-4 w-4 items-center justify-center rounded-full font-bold text-[9px] text-white ${c.status === "failed" ? "bg-rose-600" : "bg-violet-600"}`}
              >
                {c.order}
              </span>
              {c.taskStateId} ↩ {c.compensationStateId}
              <span>
                {c.status === "succeeded"
                  ? "✓"
                  : c.status === "resolved"
                    ? "✓ (resolved)"
                    : c.status === "failed"
                      ? "✕"
                      : "…"}
              </span>
            </button>
          ))}
        </span>
      )}
    </div>
  );
}
