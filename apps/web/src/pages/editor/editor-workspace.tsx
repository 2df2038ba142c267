import type { StateType } from "@sagaflow/shared";
import { useReactFlow, useUpdateNodeInternals } from "@xyflow/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useFitView } from "../../canvas/hooks/use-fit-view";
import { useLiveValidation } from "../../canvas/hooks/use-live-validation";
import { useShortcuts } from "../../canvas/hooks/use-shortcuts";
import { AddAfterPicker, addAfterAnchor } from "../../canvas/panels/add-after-picker";
import { HelpOverlay } from "../../canvas/panels/help-overlay";
import { Inspector, selectedStateId } from "../../canvas/panels/inspector";
import { JsonView } from "../../canvas/panels/json-view";
import { Palette } from "../../canvas/panels/palette";
import { ProblemsPanel } from "../../canvas/panels/problems-panel";
import { ResizablePanel } from "../../canvas/panels/resizable-panel";
import { StateSearch } from "../../canvas/panels/state-search";
import { useEditorStore } from "../../canvas/store/editor-context";
import { autoLayout as layoutNodes } from "../../canvas/utils/auto-layout";
import type { LayoutDirection } from "../../canvas/utils/elk-layout";
import { placeAfter } from "../../canvas/utils/graph-ops";
import { graphToDefinition } from "../../canvas/utils/graph-to-definition";
import { STATE_HEIGHT, STATE_WIDTH } from "../../canvas/utils/node-size";
import { useActionCatalog } from "../../lib/catalog";
import { downloadText } from "../../lib/download";
import { navigate, setLeaveGuard } from "../../lib/route";
import { toast } from "../../lib/toast";
import { api, errorDiagnostics, errorMessage } from "../../lib/trpc";
import { EditorToolbar } from "./editor-toolbar";
import { SimulateCanvas } from "./simulate/simulate-canvas";
import { SimulatePanel } from "./simulate/simulate-panel";
import { useSimulateMode } from "./simulate/use-simulate-mode";
import { useDirty } from "./use-dirty";
import { useSelectionInUrl } from "./use-selection-in-url";

/** The designer: palette, canvas, inspector, problems and JSON, wired to one editor store. */
export function EditorWorkspace({
  isNew,
  loadedVersion,
}: {
  isNew: boolean;
  loadedVersion: number | undefined;
}) {
  const store = useEditorStore();
  const flow = useReactFlow();
  const catalog = useActionCatalog();
  const updateNodeInternals = useUpdateNodeInternals();
  const fit = useFitView();
  useLiveValidation(catalog);
  const { dirty, markSaved } = useDirty(!isNew);
  const [showJson, setShowJson] = useState(false);
  const [showProblems, setShowProblems] = useState(true);
  const [showHelp, setShowHelp] = useState(false);
  const [showSearch, setShowSearch] = useState(false);
  const [adding, setAdding] = useState<{ id: string; exit: string }>();
  const [showInspector, setShowInspector] = useState(true);
  const [simulating, setSimulating] = useSimulateMode();
  const [saving, setSaving] = useState(false);
  const [version, setVersion] = useState(loadedVersion);

  /**
   * The zoom a pan must keep. During a pan's animation d3 zooms out on the way, so the zoom read then is
   * not the user's: a pan started within one animation of the last keeps that one's zoom.
   */
  const panZoom = useRef<{ zoom: number; until: number } | undefined>(undefined);

  /** Keeps the zoom: pans only if the state is out of sight (re-fitting on each add shrank the view). */
  const reveal = useCallback(
    (id: string) =>
      requestAnimationFrame(() => {
        const node = flow.getInternalNode(id);
        const bounds = document.querySelector("[data-testid=canvas]")?.getBoundingClientRect();
        if (!node || !bounds) return;
        const { x, y } = node.internals.positionAbsolute;
        const topLeft = flow.flowToScreenPosition({ x, y });
        const bottomRight = flow.flowToScreenPosition({ x: x + STATE_WIDTH, y: y + STATE_HEIGHT });
        const inside =
          topLeft.x >= bounds.left &&
          topLeft.y >= bounds.top &&
          bottomRight.x <= bounds.right &&
          bottomRight.y <= bounds.bottom;
        if (!inside) {
          const last = panZoom.current;
          const zoom = last && performance.now() < last.until ? last.zoom : flow.getZoom();
          panZoom.current = { zoom, until: performance.now() + 300 };
          flow.setCenter(x + STATE_WIDTH / 2, y + STATE_HEIGHT / 2, { zoom, duration: 200 });
        }
      }),
    [flow],
  );

  /** A click in the palette: after the selected state and linked from it, else in the middle of the view. */
  const addByClick = useCallback(
    (type: StateType) => {
      const anchor = selectedStateId(store.getState().nodes);
      if (anchor) {
        reveal(store.getState().addAfter(type, anchor));
        return;
      }
      const bounds = document.querySelector("[data-testid=canvas]")?.getBoundingClientRect();
      const center = flow.screenToFlowPosition({
        x: (bounds?.left ?? 0) + (bounds?.width ?? 800) / 2,
        y: (bounds?.top ?? 0) + (bounds?.height ?? 600) / 2,
      });
      const after = placeAfter(store.getState().nodes);
      const id = store
        .getState()
        .addState(type, after ?? { x: center.x - STATE_WIDTH / 2, y: center.y - STATE_HEIGHT / 2 });
      reveal(id);
    },
    [flow, store, reveal],
  );

  const autoLayout = useCallback(
    async (direction: LayoutDirection = store.getState().direction) => {
      const { nodes, edges } = store.getState();
      const laid = await layoutNodes(nodes, edges, direction);
      store.getState().applyLayout(laid, direction);
      // Handles move with the direction: React Flow must measure every node's handles again.
      requestAnimationFrame(() => {
        updateNodeInternals(laid.map((n) => n.id));
        requestAnimationFrame(() => fit({ ...FIT, duration: 300 }));
      });
    },
    [store, fit, updateNodeInternals],
  );

  // Handles sit by the direction: when undo or redo brings another one back, measure them again.
  useEffect(
    () =>
      store.subscribe((s, before) => {
        if (s.direction !== before.direction)
          requestAnimationFrame(() => updateNodeInternals(s.nodes.map((n) => n.id)));
      }),
    [store, updateNodeInternals],
  );

  const focusState = useCallback(
    (id: string) => {
      store.getState().select(id);
      fit({ nodes: [{ id }], duration: 350, maxZoom: 1.2, padding: 0.6 });
    },
    [store, fit],
  );

  useSelectionInUrl(focusState);

  /** Saves a new version; answers its number, or undefined when it was not saved. */
  const save = useCallback(async (): Promise<number | undefined> => {
    if (saving) return undefined;
    const { nodes, meta } = store.getState();
    const definition = graphToDefinition(nodes, meta);
    setSaving(true);
    try {
      const result = await api.definitions.save.mutate({ definition });
      markSaved();
      setVersion(result.version);
      toast(`Saved ${result.name} v${result.version}`, "success", { topic: "save" });
      if (isNew || result.name !== window.location.hash.split("/")[2]) {
        setLeaveGuard(undefined);
        navigate({ page: "editor", name: result.name, isNew: false }, { replace: true });
      }
      return result.version;
    } catch (error) {
      const diagnostics = errorDiagnostics(error);
      if (diagnostics) {
        store.getState().setDiagnostics(diagnostics);
        setShowProblems(true);
        toast("Not saved: fix the errors listed under Problems first.", "error", { topic: "save" });
      } else toast(`Not saved: ${errorMessage(error)}`, "error", { topic: "save" });
      return undefined;
    } finally {
      setSaving(false);
    }
  }, [store, saving, markSaved, isNew]);

  const exportJson = useCallback(() => {
    const { nodes, meta } = store.getState();
    downloadText(`${meta.name}.json`, `${JSON.stringify(graphToDefinition(nodes, meta), null, 2)}\n`);
  }, [store]);

  useShortcuts({
    undo: store.undo,
    redo: store.redo,
    copy: () => {
      const n = store.getState().copySelection();
      if (n > 0) toast(`Copied ${n} state${n > 1 ? "s" : ""}`);
    },
    paste: () => store.getState().paste(),
    duplicate: () => {
      if (store.getState().copySelection() > 0) store.getState().paste();
    },
    selectAll: () => store.getState().selectAll(),
    delete: () => store.getState().deleteSelection(),
    save: () => void save(),
    layout: () => void autoLayout(),
    fitView: () => fit({ ...FIT, duration: 300 }),
    zoomIn: () => flow.zoomIn({ duration: 150 }),
    zoomOut: () => flow.zoomOut({ duration: 150 }),
    toggleJson: () => setShowJson((v) => !v),
    help: () => setShowHelp((v) => !v),
    search: () => setShowSearch(true),
    addAfter: () => {
      const anchor = addAfterAnchor(store.getState().nodes);
      if ("hint" in anchor) store.getState().showHint(anchor.hint);
      else if (!store.getState().readOnly) setAdding(anchor);
    },
    escape: () => {
      if (showHelp) setShowHelp(false);
      else if (showSearch) setShowSearch(false);
      else store.getState().select("");
    },
  });

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <EditorToolbar
        dirty={dirty}
        saving={saving}
        version={version}
        isNew={isNew}
        showJson={showJson}
        showProblems={showProblems}
        onSave={() => void save()}
        onSaveForRun={save}
        onLayout={(direction) => void autoLayout(direction)}
        onToggleJson={() => setShowJson((v) => !v)}
        onToggleProblems={() => setShowProblems((v) => !v)}
        onExport={exportJson}
        onHelp={() => setShowHelp(true)}
        onSearch={() => setShowSearch(true)}
        showInspector={showInspector}
        onToggleInspector={() => setShowInspector((v) => !v)}
        simulating={simulating}
        onToggleSimulate={() => setSimulating(!simulating)}
      />
      <div className="flex min-h-0 flex-1">
        <Palette onAdd={addByClick} />
        <div className="relative flex min-w-[300px] flex-1 flex-col">
          {showSearch && <StateSearch onPick={focusState} onClose={() => setShowSearch(false)} />}
          {adding && (
            <AddAfterPicker
              anchor={adding.id}
              exit={adding.exit}
              onPick={(type) => {
                setAdding(undefined);
                addByClick(type);
              }}
              onClose={() => setAdding(undefined)}
            />
          )}
          <div className="min-h-[160px] flex-1">
            <SimulateCanvas active={simulating} />
          </div>
          {showProblems && (
            <ResizablePanel id="problems" label="Resize the problems list" edge="top" {...PROBLEMS_SIZE}>
              <ProblemsPanel onFocus={focusState} onClose={() => setShowProblems(false)} />
            </ResizablePanel>
          )}
        </div>
        {simulating ? (
          <SimulatePanel catalog={catalog} onClose={() => setSimulating(false)} />
        ) : (
          showInspector && (
            <ResizablePanel id="inspector" label="Resize the inspector" edge="left" {...INSPECTOR_SIZE}>
              <Inspector catalog={catalog} />
            </ResizablePanel>
          )
        )}
        {showJson && (
          <ResizablePanel id="json" label="Resize the JSON view" edge="left" {...JSON_SIZE}>
            <JsonView />
          </ResizablePanel>
        )}
      </div>
      {showHelp && <HelpOverlay onClose={() => setShowHelp(false)} />}
    </div>
  );
}

const FIT = { padding: 0.15, maxZoom: 1.1 };
/** Panel sizes in px; on a small screen the panels shrink so the canvas keeps its minimum. */
const INSPECTOR_SIZE = { bounds: { min: 260, max: 720, initial: 340 } };
const JSON_SIZE = { bounds: { min: 260, max: 900, initial: 420 } };
const PROBLEMS_SIZE = { bounds: { min: 72, max: 600, initial: 150 } };
