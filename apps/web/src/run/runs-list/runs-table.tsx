import { navigate } from "../../lib/route";
import { formatDuration, formatTime, StatusBadge } from "../ui/status";
import { CopyIdButton } from "./copy-id-button";
import { needsPerson, type RunRow } from "./needs-person";

/** One row per run; a click opens it. The full id is shown, selectable, with a copy button. */
export function RunsTable(props: {
  rows: RunRow[];
  signalStates: Record<string, Set<string>>;
  empty: string | null;
}) {
  const { rows, signalStates, empty } = props;
  return (
    <div className="overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-[13px]">
        <thead className="border-slate-100 border-b bg-slate-50/80 text-[11px] text-slate-500 uppercase tracking-wide">
          <tr>
            <th className="px-4 py-2 font-medium">Status</th>
            <th className="px-4 py-2 font-medium">Workflow</th>
            <th className="px-4 py-2 font-medium">Run</th>
            <th className="px-4 py-2 font-medium">State</th>
            <th className="px-4 py-2 font-medium">Started</th>
            <th className="px-4 py-2 text-right font-medium">Duration</th>
          </tr>
        </thead>
        <tbody data-testid="runs-table">
          {rows.map((run) => {
            const attention = needsPerson(run, signalStates);
            const ended =
              run.status !== "running" && run.status !== "waiting" && run.status !== "compensating";
            return (
              <tr
                key={run.id}
                data-run-id={run.id}
                data-status={run.status}
                onClick={() => {
                  // Selecting the id to copy it by hand is not a click on the row.
                  if (window.getSelection()?.toString()) return;
                  navigate({ page: "run", runId: run.id });
                }}
                className="cursor-pointer border-slate-50 border-b last:border-0 hover:bg-indigo-50/40"
              >
                <td className="px-4 py-2.5">
                  <div className="flex items-center gap-2">
                    <StatusBadge status={run.status} />
                    {attention && (
                      <span
                        data-testid="needs-person"
                        title={attention}
                        className="rounded-full bg-amber-400 px-2 py-0.5 font-bold text-[10px] text-amber-950 uppercase tracking-wide"
                      >
                        ⚑ {attention}
                      </span>
                    )}
                  </div>
                </td>
                <td className="px-4 py-2.5">
                  <span className="font-medium text-slate-800">{run.workflow}</span>
                  <span className="ml-1.5 rounded bg-slate-100 px-1 py-px text-[11px] text-slate-500">
                    v{run.version}
                  </span>
                </td>
                <td className="whitespace-nowrap px-4 py-2.5 font-mono text-[11px] text-slate-500">
                  <span data-testid="run-row-id">{run.id}</span>
                  <CopyIdButton id={run.id} className="ml-1" />
                </td>
                <td className="px-4 py-2.5 text-slate-600">
                  {run.currentState ?? "–"}
                  {run.error && (
                    <div
                      className="max-w-[260px] truncate text-[11px] text-rose-600"
                      title={run.error.message}
                    >
                      {run.error.error}: {run.error.message}
                    </div>
                  )}
                </td>
                <td className="px-4 py-2.5 text-slate-600">{formatTime(run.createdAt)}</td>
                <td className="px-4 py-2.5 text-right text-slate-600 tabular-nums">
                  {ended ? formatDuration(Date.parse(run.updatedAt) - Date.parse(run.createdAt)) : "…"}
                </td>
              </tr>
            );
          })}
          {rows.length === 0 && empty && (
            <tr>
              <td colSpan={6} className="px-4 py-10 text-center text-slate-400">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
