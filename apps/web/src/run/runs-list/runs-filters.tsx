import { runStatusSchema } from "@sagaflow/shared";
import { useEffect, useState } from "react";
import { isoToLocalInput, localInputToIso, normaliseIdPrefix, type RunsQuery } from "./runs-query";

const RUN_STATUSES = runStatusSchema.options;
const FIELD =
  "mt-0.5 block rounded-lg border border-slate-200 bg-white px-2 py-1.5 text-[13px] text-slate-800 outline-none focus:border-indigo-400";

/** Search by id (or its start), status, workflow and the time the run started. */
export function RunsFilters(props: {
  query: RunsQuery;
  workflows: string[];
  onChange: (patch: Partial<RunsQuery>) => void;
}) {
  const { query, workflows, onChange } = props;
  // The search box answers as you type, a moment after the last key (not a request per key).
  const [search, setSearch] = useState(query.q);
  useEffect(() => setSearch(query.q), [query.q]);
  useEffect(() => {
    const q = normaliseIdPrefix(search);
    if (q === query.q) return;
    const timer = setTimeout(() => onChange({ q }), 250);
    return () => clearTimeout(timer);
  }, [search, query.q, onChange]);

  return (
    <div className="mb-4 flex flex-wrap items-end gap-3">
      <label className="min-w-[220px] flex-1 text-[11px] text-slate-500">
        Run id
        <input
          type="search"
          data-testid="filter-run-id"
          value={search}
          placeholder="Paste an id or type its start"
          spellCheck={false}
          onChange={(e) => setSearch(e.target.value)}
          className={`${FIELD} w-full font-mono`}
        />
      </label>
      <label className="text-[11px] text-slate-500">
        Status
        <select
          data-testid="filter-status"
          value={query.status}
          onChange={(e) => onChange({ status: e.target.value as RunsQuery["status"] })}
          className={FIELD}
        >
          <option value="">All statuses</option>
          <option value="attention">Needs a person</option>
          <option value="ended_badly">Ended badly (failed, compensated, canceled)</option>
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
          value={query.workflow}
          onChange={(e) => onChange({ workflow: e.target.value })}
          className={FIELD}
        >
          <option value="">All workflows</option>
          {/* A workflow named in a shared link is kept even before the list arrives. */}
          {[...new Set([...workflows, ...(query.workflow ? [query.workflow] : [])])].map((w) => (
            <option key={w} value={w}>
              {w}
            </option>
          ))}
        </select>
      </label>
      <label className="text-[11px] text-slate-500">
        Started after
        <input
          type="datetime-local"
          data-testid="filter-from"
          value={isoToLocalInput(query.from)}
          onChange={(e) => onChange({ from: localInputToIso(e.target.value) })}
          className={FIELD}
        />
      </label>
      <label className="text-[11px] text-slate-500">
        Started before
        <input
          type="datetime-local"
          data-testid="filter-to"
          value={isoToLocalInput(query.to)}
          onChange={(e) => onChange({ to: localInputToIso(e.target.value) })}
          className={FIELD}
        />
      </label>
    </div>
  );
}
