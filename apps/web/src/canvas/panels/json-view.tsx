import { memo, useEffect, useRef, useState } from "react";
import { useEditorStore } from "../store/editor-context";
import { definitionToGraph } from "../utils/definition-to-graph";
import { placeAfter } from "../utils/graph-ops";
import { graphToDefinition } from "../utils/graph-to-definition";
import { looseDefinition } from "../utils/loose-definition";

const print = (store: ReturnType<typeof useEditorStore>) => {
  const { nodes, meta } = store.getState();
  return JSON.stringify(graphToDefinition(nodes, meta), null, 2);
};

/**
 * The definition as JSON, kept in sync both ways. Text that does not parse (or is not a definition)
 * stays in the box with its error and is never overwritten; the canvas keeps its last good state.
 */
export const JsonView = memo(function JsonView() {
  const store = useEditorStore();
  const [text, setText] = useState(() => print(store));
  const [error, setError] = useState<string>();
  const [canvasMoved, setCanvasMoved] = useState(false);
  const errorRef = useRef<string | undefined>(undefined);
  const applying = useRef(false);
  errorRef.current = error;

  useEffect(() => {
    let revision = store.getState().revision;
    let layoutRevision = store.getState().layoutRevision;
    // Printing 300 states on every drag frame would stutter: follow the canvas a beat later.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe((state) => {
      if (state.revision === revision && state.layoutRevision === layoutRevision) return;
      revision = state.revision;
      layoutRevision = state.layoutRevision;
      if (applying.current) return;
      if (errorRef.current) {
        setCanvasMoved(true);
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!errorRef.current) setText(print(store));
      }, 80);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store]);

  const onChange = (value: string) => {
    setText(value);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      setError(`Invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const result = looseDefinition(parsed);
    if (!result.ok) {
      setError(`Not a workflow definition: ${result.error}`);
      return;
    }
    setError(undefined);
    setCanvasMoved(false);
    const graph = definitionToGraph(result.definition);
    // States the JSON gives no position keep the one they had on the canvas.
    const previous = new Map(store.getState().nodes.map((n) => [n.id, n]));
    const layout = result.definition.layout ?? {};
    const nodes: typeof graph.nodes = [];
    for (const n of graph.nodes) {
      const before = previous.get(n.id);
      if (layout[n.id]) nodes.push(n);
      else if (before) nodes.push({ ...n, position: before.position });
      // A state typed in without a position goes right of the others, not on top of one at (0, 0).
      else nodes.push(n.parentId ? n : { ...n, position: placeAfter(nodes) ?? n.position });
    }
    applying.current = true;
    try {
      store.getState().replaceModel({ nodes, meta: graph.meta });
    } finally {
      applying.current = false;
    }
  };

  return (
    <div
      className="flex h-full w-full min-w-0 flex-col border-slate-200 border-l bg-slate-950"
      data-testid="json-view"
    >
      <div className="flex items-center gap-2 border-slate-800 border-b px-3 py-2 text-[12px]">
        <span className="font-semibold text-slate-200">JSON</span>
        {error ? (
          <span className="rounded bg-rose-500/20 px-1.5 py-px text-rose-300">not applied</span>
        ) : (
          <span className="rounded bg-emerald-500/15 px-1.5 py-px text-emerald-300">in sync</span>
        )}
        {error && canvasMoved && (
          <button
            type="button"
            className="ml-auto rounded bg-slate-800 px-2 py-0.5 text-slate-200 hover:bg-slate-700"
            onClick={() => {
              setError(undefined);
              setCanvasMoved(false);
              setText(print(store));
            }}
          >
            Discard my text, show the canvas
          </button>
        )}
      </div>
      {error && (
        <div
          className="border-rose-900 border-b bg-rose-950/60 px-3 py-2 font-mono text-[11px] text-rose-200"
          data-testid="json-error"
        >
          {error}
        </div>
      )}
      <textarea
        aria-label="Definition JSON"
        spellCheck={false}
        className="flex-1 resize-none bg-transparent p-3 font-mono text-[12px] text-slate-200 leading-relaxed outline-none"
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
});
