import { type DefinitionDiff, diffDefinitions } from "@sagaflow/engine/core";
import type { Definition } from "@sagaflow/shared";
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import { FlowCanvas } from "../../canvas/flow-canvas";
import { EditorStoreContext, useEditor } from "../../canvas/store/editor-context";
import { createEditorStore } from "../../canvas/store/editor-store";
import { navigate } from "../../lib/route";
import { api, errorMessage } from "../../lib/trpc";
import { graphForDefinition } from "../editor/load-definition";
import { compareCss, DIFF_COLOURS } from "./compare-styles";

type Loaded =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; diff: DefinitionDiff; store: ReturnType<typeof createEditorStore> };

/**
 * Compare two versions of a workflow on the canvas (`#/compare/<name>?a=1&b=3`): version b drawn with the
 * states a had and b lost, states and edges coloured by their change, and the list of changed fields.
 */
export function ComparePage({ name, a, b }: { name: string; a: number; b: number }) {
  const [loaded, setLoaded] = useState<Loaded>({ status: "loading" });
  useEffect(() => {
    let live = true;
    (async () => {
      const [before, after] = await Promise.all([
        api.definitions.get.query({ name, version: a }),
        api.definitions.get.query({ name, version: b }),
      ]);
      const diff = diffDefinitions(before.definition, after.definition);
      const store = createEditorStore();
      store
        .getState()
        .load(await graphForDefinition(withRemoved(before.definition, after.definition, diff)), {
          readOnly: true,
        });
      if (live) setLoaded({ status: "ready", diff, store });
    })().catch((error: unknown) => live && setLoaded({ status: "error", message: errorMessage(error) }));
    return () => {
      live = false;
    };
  }, [name, a, b]);

  if (loaded.status === "loading")
    return <div className="flex flex-1 items-center justify-center text-slate-400">Comparing…</div>;
  if (loaded.status === "error")
    return <div className="flex flex-1 items-center justify-center text-rose-600">{loaded.message}</div>;
  return (
    <EditorStoreContext.Provider value={loaded.store}>
      <ReactFlowProvider>
        <div className="flex min-h-0 flex-1" data-testid="compare-page">
          <div className="relative min-w-0 flex-1" data-testid="compare-canvas">
            <CompareStyles diff={loaded.diff} />
            <FlowCanvas />
          </div>
          <ChangeList name={name} a={a} b={b} diff={loaded.diff} />
        </div>
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
}

/** Version b plus the top-level states only a has (so a removal shows where it was). */
function withRemoved(before: Definition, after: Definition, diff: DefinitionDiff): Definition {
  const removed = new Set(diff.states.filter((s) => s.change === "removed").map((s) => s.stateId));
  const extra = Object.fromEntries(Object.entries(before.states).filter(([id]) => removed.has(id)));
  const layout = { ...(before.layout ?? {}), ...(after.layout ?? {}) };
  return { ...after, states: { ...after.states, ...extra }, ...(after.layout ? { layout } : {}) };
}

function CompareStyles({ diff }: { diff: DefinitionDiff }) {
  const edges = useEditor((s) => s.edges);
  const css = useMemo(() => compareCss("[data-testid=compare-canvas]", diff, edges), [diff, edges]);
  return <style>{css}</style>;
}

function ChangeList(props: { name: string; a: number; b: number; diff: DefinitionDiff }) {
  const { name, a, b, diff } = props;
  return (
    <aside
      className="w-80 shrink-0 overflow-y-auto border-slate-200 border-l bg-white p-4 text-[13px]"
      data-testid="compare-list"
    >
      <h1 className="font-semibold text-[15px] text-slate-900">
        {name}: v{a} → v{b}
      </h1>
      <p className="mt-1 text-slate-500" data-testid="compare-summary">
        {diff.same
          ? "The same (the layout aside)."
          : `${diff.states.length} state${diff.states.length === 1 ? "" : "s"} and ${diff.edges.length} edge${diff.edges.length === 1 ? "" : "s"} differ.`}
      </p>
      <div className="mt-2 flex gap-3 text-[11px]">
        {(Object.keys(DIFF_COLOURS) as (keyof typeof DIFF_COLOURS)[]).map((change) => (
          <span key={change} className="flex items-center gap-1">
            <span
              className="inline-block h-2.5 w-2.5 rounded-full"
              style={{ background: DIFF_COLOURS[change] }}
            />
            {change}
          </span>
        ))}
      </div>
      <ul className="mt-3 space-y-1.5">
        {diff.fields.map((field) => (
          <li key={field} data-change="changed">
            workflow <b>{field}</b> changed
          </li>
        ))}
        {diff.states.map((state) => (
          <li key={state.stateId} data-state-change={state.change} data-state={state.stateId}>
            <span className="font-semibold" style={{ color: DIFF_COLOURS[state.change] }}>
              {state.change}
            </span>{" "}
            <span className="font-mono">{state.stateId}</span>
            {state.fields.length > 0 && <span className="text-slate-500">: {state.fields.join(", ")}</span>}
          </li>
        ))}
        {diff.edges.map((edge) => (
          <li key={`${edge.from}:${edge.kind}:${edge.to}`} data-edge-change={edge.change}>
            <span className="font-semibold" style={{ color: DIFF_COLOURS[edge.change] }}>
              {edge.change}
            </span>{" "}
            <span className="font-mono">
              {edge.from} → {edge.to}
            </span>{" "}
            <span className="text-slate-500">({edge.kind})</span>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="mt-4 text-indigo-700 underline"
        onClick={() => navigate({ page: "editor", name, isNew: false, version: b })}
      >
        Open v{b} in the designer
      </button>
    </aside>
  );
}
