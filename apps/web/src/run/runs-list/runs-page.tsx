import { type RunStatus, runStatusSchema } from "@sagaflow/shared";
import { useEffect, useMemo, useState } from "react";
import { navigate } from "../../lib/route";
import { api, errorMessage } from "../../lib/trpc";
import { formatDuration, formatTime, StatusBadge, shortId } from "../ui/status";
import { needsPerson, type RunRow, useSignalStates } from "./needs-person";

const PAGE_SIZE = 25;
const RUN_STATUSES = runStatusSchema.options;

interface Filters {
  status: RunStatus | "attention" | "";
  workflow: string;
}

/** Every run, newest first: filters, paging, live updates, and a badge on those that need a person. */
export function RunsPage() {
  const [filters, setFilters] = useState<Filters>({ status: "", workflow: "" });
  // The cursor of each page we went through, to page back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [rows, setRows] = useState<RunRow[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [workflows, setWorkflows] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const firstPage = cursors.length === 1;

  useEffect(() => {
    api.definitions.list
      .query({ includeArchived: true })
      .then((list) => setWorkflows(list.map((d) => d.name).sort()))
      .catch(() => setWorkflows([]));
  }, []);

  const statusFilter = useMemo((): RunStatus[] | undefined => {
    if (filters.status === "attention") return ["compensation_failed", "suspended", "waiting"];
    return filters.status ? [filters.status] : undefined;
  }, [filters.status]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api.runs.list
      .query({
        ...(statusFilter ? { status: statusFilter } : {}),
        ...(filters.workflow ? { workflow: filters.workflow } : {}),
        ...(cursor ? { cursor } : {}),
        limit: PAGE_SIZE,
      })
      .then((page) => {
        if (!live) return;
        setRows(page.runs);
        setNextCursor(page.nextCursor);
        setError(undefined);
      })
      .catch((e: unknown) => live && setError(errorMessage(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [statusFilter, filters.workflow, cursor]);

  // Live: a run that changes is updated in place; a new one that matches appears on the first page.
  useEffect(() => {
    const subscription = api.runs.changes.subscribe(undefined, {
      onData: (change) => {
        if (change.kind !== "run") return;
        const run = change.run;
        const matches =
          (!statusFilter || statusFilter.includes(run.status)) &&
          (!filters.workflow || run.workflow === filters.workflow);
        setRows((current) => {
          const index = current.findIndex((r) => r.id === run.id);
          if (index >= 0) {
            const next = [...current];
            next[index] = run;
            return next;
          }
          if (!firstPage || !matches) return current;
          return [run, ...current].slice(0, PAGE_SIZE);
        });
      },
    });
    return () => subscription.unsubscribe();
  }, [statusFilter, filters.workflow, firstPage]);

  const signalStates = useSignalStates(rows);
  const setFilter = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setCursors([undefined]);
  };

  return (
    <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50" data-testid="runs-page">
      <div className="mx-auto max-w-6xl px-6 py-6">
        <div className="mb-4 flex flex-wrap items-end gap-3">
          <div className="flex-1">
            <h1 className="font-semibold text-slate-900 text-xl">Runs</h1>
            <p className="text-[13px] text-slate-500">Every run, live. Open one to watch it on its canvas.</p>
          </div>
          <label className="text-[11px] text-slate-500">
            Status
            <select
              data-testid="filter-status"
              value={filters.status}
              onChange={(e) => setFilter({ status: e.target.value as Filters["status"] })}
              className="mt-0.5 block rounded-lg border border-slate-200 bg-white px-2 py-1.5 text-[13px] text-slate-800"
            >
              <option value="">All statuses</option>
              <option value="attention">Needs a person</option>
              {RUN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.replace("_", " ")}
                </option>
              ))}
            </select>
          </label>
          <label className="text-[11px] text-slate-500">
            Workflow
            <select
              data-testid="filter-workflow"
              value={filters.workflow}
              onChange={(e) => setFilter({ workflow: e.target.value })}
              className="mt-0.5 block rounded-lg border border-slate-200 bg-white px-2 py-1.5 text-[13px] text-slate-800"
            >
              <option value="">All workflows</option>
              {workflows.map((w) => (
                <option key={w} value={w}>
                  {w}
                </option>
              ))}
            </select>
          </label>
        </div>
        {error && <p className="mb-3 rounded-lg bg-rose-50 px-3 py-2 text-[13px] text-rose-700">{error}</p>}
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
                    onClick={() => navigate({ page: "run", runId: run.id })}
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
                    <td className="px-4 py-2.5 font-mono text-[12px] text-slate-500" title={run.id}>
                      {shortId(run.id)}
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
              {rows.length === 0 && !loading && (
                <tr>
                  <td colSpan={6} className="px-4 py-10 text-center text-slate-400">
                    No runs
                    {filters.status || filters.workflow
                      ? " match these filters"
                      : " yet: open a workflow and press ▶ Run"}
                    .
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <div className="mt-3 flex items-center justify-between text-[13px]">
          <span className="text-slate-400">
            Page {cursors.length}
            {loading ? " · loading…" : ""}
          </span>
          <div className="flex gap-2">
            <button
              type="button"
              data-testid="page-prev"
              disabled={firstPage}
              onClick={() => setCursors((c) => c.slice(0, -1))}
              className="rounded-lg border border-slate-200 bg-white px-3 py-1.5 disabled:opacity-40"
            >
              ← Newer
            </button>
            <button
              type="button"
              data-testid="page-next"
              disabled={!nextCursor}
              onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}
              className="rounded-lg border border-slate-200 bg-white px-3 py-1.5 disabled:opacity-40"
            >
              Older →
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}
