import { FAILURE_TABLE_HEADER, failureRow, SIMULATED_FAILURE } from "@sagaflow/engine/core";
import type { ActionCatalog, JsonValue } from "@sagaflow/shared";
import { Fragment, useEffect } from "react";
import { useSimulate, useSimulateStore } from "./simulate-store";

/**
 * "What if each step fails?": the table `sagaflow test --each-failure` prints, for the workflow as drawn.
 * Every task fails in turn (after its retries) in its own simulated run; a completed write nothing undoes
 * is flagged. Each row can be played on the canvas.
 */
export function EachFailureTable({
  catalog,
  input,
}: {
  catalog: ActionCatalog | undefined;
  input: JsonValue | undefined;
}) {
  const sim = useSimulateStore();
  const failures = useSimulate((s) => s.failures);
  const busy = useSimulate((s) => s.failuresBusy);
  const progress = useSimulate((s) => s.failuresProgress);
  const run = () => {
    if (catalog) void sim.eachFailure({ catalog, input });
  };
  // Computed when the tab opens (once the catalog says which actions write); "Again" after edits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on opening, not on every keystroke of the input
  useEffect(() => {
    if (catalog && sim.getState().failures === null) run();
  }, [catalog]);

  const show = (task: string) => {
    sim.setState({ outcomes: { [task]: { fail: SIMULATED_FAILURE } }, tab: "simulate" });
    const animate = !window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    void sim.simulate({ catalog, input, animate });
  };

  return (
    <section className="space-y-3 px-4 py-3" data-testid="sim-failures">
      <div className="flex items-center justify-between gap-2">
        <p className="text-[12px] text-slate-500">
          Each task fails with <code className="font-mono">{SIMULATED_FAILURE}</code> after its retries, with
          the input above. Effects are stubbed.
        </p>
        <button
          type="button"
          data-testid="sim-failures-run"
          disabled={!catalog || busy}
          onClick={run}
          className="shrink-0 rounded-lg border border-slate-200 px-2.5 py-1 text-[12px] text-slate-700 hover:bg-slate-50 disabled:opacity-50"
        >
          {busy ? "Running…" : "Again"}
        </button>
      </div>
      {!catalog && <p className="text-[12px] text-slate-500">Loading the action catalog…</p>}
      {busy && (
        <p className="text-[12px] text-slate-500" data-testid="sim-failures-progress" role="status">
          {progress ? `Simulated ${progress.done} of ${progress.total} tasks…` : "Simulating each task…"}
        </p>
      )}
      {failures && "problems" in failures && (
        <ul className="space-y-1 rounded-lg bg-rose-50 px-3 py-2 text-[12px] text-rose-700">
          {failures.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {failures && "reports" in failures && (
        <div>
          <table className="w-full text-left text-[11px]">
            <thead>
              <tr className="border-slate-200 border-b text-slate-400">
                {FAILURE_TABLE_HEADER.filter((title) => title !== "path").map((title) => (
                  <th key={title} className="px-1.5 py-1 font-semibold uppercase tracking-wide">
                    {title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {failures.reports.map(failureRow).map((row) => (
                <Fragment key={row.task}>
                  <tr
                    data-task={row.task}
                    data-warn={row.warn || undefined}
                    className={`align-top ${row.warn ? "bg-amber-50" : ""}`}
                  >
                    <td className="px-1.5 pt-1.5 font-mono text-slate-800">
                      {row.task}
                      <button
                        type="button"
                        title={`Simulate ${row.task} failing, on the canvas`}
                        onClick={() => show(row.task)}
                        className="ml-1 rounded px-1 font-sans text-indigo-600 hover:bg-indigo-50"
                      >
                        Show
                      </button>
                    </td>
                    <td className="px-1.5 pt-1.5" data-column="ends">
                      {row.ends}
                    </td>
                    <td className="px-1.5 pt-1.5" data-column="compensations">
                      {row.compensations}
                    </td>
                    <td
                      className={`px-1.5 pt-1.5 ${row.warn ? "text-amber-800" : ""}`}
                      data-column="left-undone"
                    >
                      {row.leftUndone}
                    </td>
                  </tr>
                  {/* The path is long: it takes a line of its own under its task. */}
                  <tr className={`border-slate-100 border-b ${row.warn ? "bg-amber-50" : ""}`}>
                    <td
                      colSpan={4}
                      className="px-1.5 pb-1.5 font-mono text-[10px] text-slate-500"
                      data-column="path"
                    >
                      {row.path}
                    </td>
                  </tr>
                </Fragment>
              ))}
            </tbody>
          </table>
          {failures.reports.some((report) => failureRow(report).warn) && (
            <p
              className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-[12px] text-amber-800"
              data-testid="sim-undone"
            >
              ⚠ Some failures leave completed writes undone: give those tasks a compensation, or say
              "compensateWith": null when nothing needs undoing.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
