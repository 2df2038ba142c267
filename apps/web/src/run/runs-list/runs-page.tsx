import type { RunStatus } from "@sagaflow/shared";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, errorMessage } from "../../lib/trpc";
import { type RunRow, useSignalStates } from "./needs-person";
import { RunsFilters } from "./runs-filters";
import { parseRunsQuery, type RunsQuery, rememberRunsHash, runsQueryHash, statusesOf } from "./runs-query";
import { RunsTable } from "./runs-table";

const PAGE_SIZE = 25;

interface ListInput {
  status?: RunStatus[];
  workflow?: string;
  idPrefix?: string;
  startedAfter?: string;
  startedBefore?: string;
  limit: number;
}

/** The API filter of a query, without its page. */
function listInput(query: RunsQuery): ListInput {
  const status = statusesOf(query.status);
  return {
    ...(status ? { status } : {}),
    ...(query.workflow ? { workflow: query.workflow } : {}),
    ...(query.q ? { idPrefix: query.q } : {}),
    ...(query.from ? { startedAfter: query.from } : {}),
    ...(query.to ? { startedBefore: query.to } : {}),
    limit: PAGE_SIZE,
  };
}

function matches(run: RunRow, input: ListInput): boolean {
  return (
    (!input.status || input.status.includes(run.status)) &&
    (!input.workflow || run.workflow === input.workflow) &&
    (!input.idPrefix || run.id.startsWith(input.idPrefix)) &&
    (!input.startedAfter || run.createdAt >= input.startedAfter) &&
    (!input.startedBefore || run.createdAt < input.startedBefore)
  );
}

/**
 * Every run, newest first: search, filters, paging, live updates, and a badge on those that need a person.
 * The query lives in the URL (replaced, not pushed, as it changes), so reload and shared links keep it.
 */
export function RunsPage() {
  const [query, setQuery] = useState<RunsQuery>(() => parseRunsQuery(window.location.hash));
  const [rows, setRows] = useState<RunRow[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [workflows, setWorkflows] = useState<string[]>([]);
  // The cursor each page starts after, as far as we know them (a reloaded page 4 knows only its own).
  const cursors = useRef<(string | undefined)[]>([]);
  const filter = useMemo(() => listInput(query), [query]);
  const filterKey = JSON.stringify(filter);
  const firstPage = query.page === 1;

  useEffect(() => {
    const hash = runsQueryHash(query);
    if (window.location.hash !== hash) history.replaceState(null, "", hash);
    rememberRunsHash(hash);
    cursors.current[query.page - 1] = query.after;
  }, [query]);

  // Back/Forward onto another runs URL.
  useEffect(() => {
    const onHash = () => {
      if (window.location.hash.startsWith("#/runs") && !window.location.hash.startsWith("#/runs/"))
        setQuery(parseRunsQuery(window.location.hash));
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    api.definitions.list
      .query({ includeArchived: true })
      .then((list) => setWorkflows(list.map((d) => d.name).sort()))
      .catch(() => setWorkflows([]));
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for filter
  useEffect(() => {
    let live = true;
    setLoading(true);
    api.runs.list
      .query({ ...filter, ...(query.after ? { cursor: query.after } : {}) })
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
  }, [filterKey, query.after]);

  // Live: a run that changes is updated in place; a new one that matches appears on the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for filter
  useEffect(() => {
    const subscription = api.runs.changes.subscribe(undefined, {
      onData: (change) => {
        if (change.kind !== "run") return;
        const run = change.run;
        setRows((current) => {
          const index = current.findIndex((r) => r.id === run.id);
          if (index >= 0) {
            const next = [...current];
            next[index] = run;
            return next;
          }
          if (!firstPage || !matches(run, filter)) return current;
          return [run, ...current].slice(0, PAGE_SIZE);
        });
      },
    });
    return () => subscription.unsubscribe();
  }, [filterKey, firstPage]);

  const signalStates = useSignalStates(rows);
  const setFilter = useCallback((patch: Partial<RunsQuery>) => {
    setQuery((q) => {
      const { after: _, ...rest } = { ...q, ...patch, page: 1 };
      return rest;
    });
    cursors.current = [];
  }, []);

  const goNewer = async () => {
    const target = query.page - 1;
    let after = cursors.current[target - 1];
    // A reloaded page does not know the pages before it: walk from the first (keyset cursors are cheap).
    if (target > 1 && after === undefined) {
      let cursor: string | undefined;
      for (let page = 1; page < target; page += 1) {
        const result = await api.runs.list.query({ ...filter, ...(cursor ? { cursor } : {}) });
        cursor = result.nextCursor ?? undefined;
        cursors.current[page] = cursor;
      }
      after = cursor;
    }
    setQuery((q) => ({ ...q, page: target, ...(target > 1 && after ? { after } : { after: undefined }) }));
  };
  const goOlder = () => {
    if (!nextCursor) return;
    setQuery((q) => ({ ...q, page: q.page + 1, after: nextCursor }));
  };

  const filtered = Boolean(query.status || query.workflow || query.q || query.from || query.to);
  const empty = loading
    ? null
    : filtered
      ? "No runs match these filters."
      : "No runs yet: open a workflow and press ▶ Run.";

  return (
    <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50" data-testid="runs-page">
      <div className="mx-auto max-w-6xl px-6 py-6">
        <div className="mb-3">
          <h1 className="font-semibold text-slate-900 text-xl">Runs</h1>
          <p className="text-[13px] text-slate-500">Every run, live. Open one to watch it on its canvas.</p>
        </div>
        <RunsFilters query={query} workflows={workflows} onChange={setFilter} />
        {error && <p className="mb-3 rounded-lg bg-rose-50 px-3 py-2 text-[13px] text-rose-700">{error}</p>}
        <RunsTable rows={rows} signalStates={signalStates} empty={empty} />
        <div className="mt-3 flex items-center justify-between text-[13px]">
          <span className="text-slate-400" data-testid="page-number">
            Page {query.page}
            {loading ? " · loading…" : ""}
          </span>
          <div className="flex gap-2">
            <button
              type="button"
              data-testid="page-prev"
              disabled={firstPage}
              onClick={() => void goNewer().catch((e: unknown) => setError(errorMessage(e)))}
              className="rounded-lg border border-slate-200 bg-white px-3 py-1.5 disabled:opacity-40"
            >
              ← Newer
            </button>
            <button
              type="button"
              data-testid="page-next"
              disabled={!nextCursor}
              onClick={goOlder}
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
