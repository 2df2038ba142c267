import { useMemo, useRef, useState } from "react";
import { navigate } from "../../lib/route";
import { toast } from "../../lib/toast";
import { api, type DefinitionSummary, errorMessage } from "../../lib/trpc";
import { useAsync } from "../../lib/use-async";
import { NewWorkflowDialog } from "./new-workflow-dialog";

const ago = (iso: string): string => {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
};

/** Every workflow: search, create, duplicate, import a JSON file, archive. */
export function WorkflowListPage() {
  const [showArchived, setShowArchived] = useState(false);
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const list = useAsync(
    () => api.definitions.list.query({ includeArchived: showArchived }),
    String(showArchived),
  );
  const all: DefinitionSummary[] = list.status === "ready" ? list.value : [];
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return all.filter(
      (d) => !q || `${d.name} ${d.title ?? ""} ${d.description ?? ""}`.toLowerCase().includes(q),
    );
  }, [all, search]);

  const duplicate = async (name: string) => {
    try {
      const stored = await api.definitions.get.query({ name });
      const taken = new Set(all.map((d) => d.name));
      let copy = `${name}-copy`;
      for (let i = 2; taken.has(copy); i++) copy = `${name}-copy-${i}`;
      const result = await api.definitions.save.mutate({
        definition: {
          ...stored.definition,
          name: copy,
          title: stored.definition.title ? `${stored.definition.title} (copy)` : undefined,
        },
      });
      toast(`Duplicated as ${result.name}`, "success");
      list.reload();
    } catch (error) {
      toast(`Could not duplicate: ${errorMessage(error)}`, "error");
    }
  };

  const archive = async (name: string, archived: boolean) => {
    if (archived && !window.confirm(`Archive ${name}? It leaves the list; its runs and versions are kept.`))
      return;
    try {
      await api.definitions.archive.mutate({ name, archived });
      toast(archived ? `Archived ${name}` : `Restored ${name}`, "success");
      list.reload();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  };

  const importFile = async (file: File) => {
    try {
      const result = await api.definitions.import.mutate({ json: await file.text() });
      toast(`Imported ${result.name} v${result.version}`, "success");
      navigate({ page: "editor", name: result.name, isNew: false });
    } catch (error) {
      toast(`Import failed: ${errorMessage(error)}`, "error");
    }
  };

  return (
    <div className="mx-auto w-full max-w-5xl flex-1 overflow-y-auto px-6 py-8">
      <div className="mb-6 flex flex-wrap items-end gap-3">
        <div className="flex-1">
          <h1 className="font-semibold text-2xl text-slate-900">Workflows</h1>
          <p className="text-[14px] text-slate-500">
            State machines with compensation: draw them, run them, watch them.
          </p>
        </div>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          className="hidden"
          data-testid="import-file"
          onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])}
        />
        <button
          type="button"
          onClick={() => fileInput.current?.click()}
          className="rounded-lg border border-slate-200 bg-white px-3 py-2 font-medium text-[13px] text-slate-700 shadow-xs hover:bg-slate-50"
        >
          Import JSON
        </button>
        <button
          type="button"
          onClick={() => setCreating(true)}
          data-testid="new-workflow-button"
          className="rounded-lg bg-indigo-600 px-4 py-2 font-semibold text-[13px] text-white shadow-sm hover:bg-indigo-500"
        >
          + New workflow
        </button>
      </div>
      <div className="mb-4 flex items-center gap-3">
        <input
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search workflows…"
          aria-label="Search workflows"
          className="w-full max-w-sm rounded-lg border border-slate-200 bg-white px-3 py-2 text-[13px] shadow-xs outline-none focus:border-indigo-400 focus:ring-2 focus:ring-indigo-100"
        />
        <label className="flex items-center gap-2 text-[13px] text-slate-600">
          <input
            type="checkbox"
            className="accent-indigo-600"
            checked={showArchived}
            onChange={(e) => setShowArchived(e.target.checked)}
          />{" "}
          Show archived
        </label>
      </div>
      {list.status === "error" && (
        <div className="rounded-xl bg-rose-50 p-4 text-rose-700">{errorMessage(list.error)}</div>
      )}
      {list.status === "loading" && <div className="text-slate-400">Loading…</div>}
      {list.status === "ready" && shown.length === 0 && (
        <div className="rounded-2xl border border-slate-300 border-dashed bg-white p-10 text-center text-slate-500">
          {all.length === 0
            ? "No workflows yet. Create one, or import a JSON definition."
            : "Nothing matches your search."}
        </div>
      )}
      <ul className="grid gap-3 sm:grid-cols-2" data-testid="workflow-list">
        {shown.map((d) => (
          <li
            key={d.name}
            className={`group rounded-2xl border border-slate-200 bg-white p-4 shadow-xs transition hover:border-indigo-200 hover:shadow-md ${d.archived ? "opacity-60" : ""}`}
            data-workflow={d.name}
          >
            <button
              type="button"
              className="block w-full text-left"
              onClick={() => navigate({ page: "editor", name: d.name, isNew: false })}
            >
              <div className="flex items-center gap-2">
                <span className="truncate font-semibold text-slate-800">{d.title || d.name}</span>
                <span className="rounded-md bg-slate-100 px-1.5 py-px font-medium text-[11px] text-slate-500">
                  v{d.latestVersion}
                </span>
                {d.archived && (
                  <span className="rounded-md bg-amber-50 px-1.5 py-px font-medium text-[11px] text-amber-700">
                    archived
                  </span>
                )}
              </div>
              <div className="font-mono text-[12px] text-slate-400">{d.name}</div>
              {d.description && (
                <p className="mt-1.5 line-clamp-2 text-[13px] text-slate-500">{d.description}</p>
              )}
            </button>
            <div className="mt-3 flex items-center gap-1 text-[12px]">
              <span className="text-slate-400">updated {ago(d.updatedAt)}</span>
              <div className="flex-1" />
              <button
                type="button"
                onClick={() => void duplicate(d.name)}
                className="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
              >
                Duplicate
              </button>
              <button
                type="button"
                onClick={() => void archive(d.name, !d.archived)}
                className="rounded-md px-2 py-1 text-slate-500 hover:bg-rose-50 hover:text-rose-700"
              >
                {d.archived ? "Restore" : "Archive"}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {creating && (
        <NewWorkflowDialog
          taken={all.map((d) => d.name)}
          onClose={() => setCreating(false)}
          onCreate={(name) => {
            setCreating(false);
            navigate({ page: "editor", name, isNew: true });
          }}
        />
      )}
    </div>
  );
}
