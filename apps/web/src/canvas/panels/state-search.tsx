import type { StateType } from "@sagaflow/shared";
import { useMemo, useState } from "react";
import { StateIcon } from "../nodes/state-icon";
import { useEditorStore } from "../store/editor-context";
import { isStateNode } from "../types";

const MAX_RESULTS = 30;

/** Ctrl+K or /: find a state by id or action, Enter jumps to it (Workflow Studio's and n8n's search). */
export function StateSearch({ onPick, onClose }: { onPick: (id: string) => void; onClose: () => void }) {
  const store = useEditorStore();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const results = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const found: { id: string; type: StateType; action?: string }[] = [];
    for (const node of store.getState().nodes) {
      if (!isStateNode(node)) continue;
      const state = node.data.state;
      const action = "action" in state ? state.action : undefined;
      if (needle && !node.id.toLowerCase().includes(needle) && !action?.toLowerCase().includes(needle))
        continue;
      found.push({ id: node.id, type: state.type, ...(action ? { action } : {}) });
      if (found.length === MAX_RESULTS) break;
    }
    return found;
  }, [store, query]);
  const pick = (id: string | undefined) => {
    if (!id) return;
    onClose();
    onPick(id);
  };
  return (
    <div className="-translate-x-1/2 absolute top-16 left-1/2 z-40 w-[420px] max-w-[90%] rounded-xl border border-slate-200 bg-white shadow-2xl">
      <input
        // biome-ignore lint/a11y/noAutofocus: the search opens to type into
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="state-search-results"
        aria-label="Find a state by id or action"
        data-testid="state-search"
        placeholder="Find a state by id or action…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") setActive((i) => Math.min(i + 1, results.length - 1));
          else if (e.key === "ArrowUp") setActive((i) => Math.max(i - 1, 0));
          else if (e.key === "Enter") pick(results[active]?.id);
          else if (e.key === "Escape") onClose();
          else return;
          e.preventDefault();
        }}
        className="w-full rounded-t-xl border-slate-100 border-b bg-white px-4 py-3 text-[14px] text-slate-800 outline-none"
      />
      <div
        id="state-search-results"
        role="listbox"
        aria-label="States"
        className="max-h-72 overflow-y-auto p-1.5"
      >
        {results.length === 0 && (
          <div className="px-3 py-2 text-[13px] text-slate-500">No state matches.</div>
        )}
        {results.map((r, i) => (
          <div key={r.id} role="option" aria-selected={i === active} tabIndex={-1}>
            <button
              type="button"
              data-result={r.id}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(r.id)}
              className={`flex w-full items-center gap-2.5 rounded-lg px-3 py-1.5 text-left text-[13px] ${i === active ? "bg-slate-100" : ""}`}
            >
              <StateIcon type={r.type} />
              <span className="font-mono text-slate-800">{r.id}</span>
              {r.action && <span className="ml-auto font-mono text-[12px] text-slate-500">{r.action}</span>}
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
