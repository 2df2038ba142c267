import type { StateType } from "@sagaflow/shared";
import {
  Background,
  BackgroundVariant,
  type Connection,
  ConnectionLineType,
  ControlButton,
  Controls,
  type FinalConnectionState,
  type FitViewOptions,
  ReactFlow,
  type ReactFlowInstance,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, memo, type ReactNode, useCallback, useEffect, useState } from "react";
import { useTheme } from "../lib/theme";
import { edgeTypes } from "./edges";
import { EdgeMarkers } from "./edges/edge-markers";
import { useEdgesNearView } from "./hooks/use-edges-near-view";
import { useFitView } from "./hooks/use-fit-view";
import { useNodesWithHandles } from "./hooks/use-nodes-with-handles";
import { CanvasMiniMap } from "./minimap/canvas-minimap";
import { nodeTypes } from "./nodes";
import { DRAG_MIME } from "./panels/palette";
import { StatePicker } from "./panels/state-picker";
import { useEditor, useEditorStore } from "./store/editor-context";
import type { FlowEdge, FlowNode } from "./types";
import { absolutePosition, withDescendants } from "./utils/graph-ops";
import { nodeSize, STATE_HEIGHT, STATE_WIDTH } from "./utils/node-size";
import { readableViewport } from "./utils/readable-viewport";

/** Hidden = not rendered yet (only visible nodes render): fit them too, by their declared size. */
/** The bottom keeps clear of the minimap and the zoom controls, so neither covers a state after a fit. */
const FIT_VIEW_OPTIONS: FitViewOptions<FlowNode> = {
  padding: { top: "48px", left: "48px", right: "48px", bottom: "150px" },
  maxZoom: 1.1,
  includeHiddenNodes: true,
};
const PRO_OPTIONS = { hideAttribution: true };
const DELETE_KEYS = null; // the shortcut hook owns Delete/Backspace
/** Thousands of SVG shapes redrawn on every pan cost more than an overview that small can show. */
const MINIMAP_LIMIT = 2000;

/**
 * The canvas both modes share. Design mode edits through the editor store; run mode loads the same
 * store read-only and draws progress from a RunOverlay context around it.
 */
export const FlowCanvas = memo(function FlowCanvas({
  onNodeClick,
  children,
}: {
  onNodeClick?: (id: string) => void;
  children?: ReactNode;
}) {
  const store = useEditorStore();
  const nodes = useNodesWithHandles();
  const edges = useEdgesNearView(useEditor((s) => s.edges));
  const readOnly = useEditor((s) => s.readOnly);
  const theme = useTheme();
  const { screenToFlowPosition, getIntersectingNodes, getInternalNode, getViewport, setViewport } =
    useReactFlow<FlowNode, FlowEdge>();
  const actions = store.getState();
  const fit = useFitView();

  const isValidConnection = useCallback(
    (edge: FlowEdge | Connection) =>
      !store.getState().connectionProblem({
        source: edge.source,
        target: edge.target,
        sourceHandle: edge.sourceHandle ?? null,
        targetHandle: edge.targetHandle ?? null,
      }),
    [store],
  );
  const [picker, setPicker] = useState<{ x: number; y: number; source: string; handle: string }>();
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, connection: FinalConnectionState) => {
      if (connection.isValid || !connection.fromNode || connection.fromHandle?.type !== "source") return;
      if (!connection.toNode) {
        // Dropped on empty canvas: offer the states that could go there (n8n's node picker).
        const point = "changedTouches" in event ? event.changedTouches[0] : event;
        const bounds = document.querySelector("[data-testid=canvas]")?.getBoundingClientRect();
        if (point && bounds && connection.fromHandle.id && !store.getState().readOnly)
          setPicker({
            x: point.clientX - bounds.left,
            y: point.clientY - bounds.top,
            source: connection.fromNode.id,
            handle: connection.fromHandle.id,
          });
        return;
      }
      const problem = store.getState().connectionProblem({
        source: connection.fromNode.id,
        target: connection.toNode.id,
        sourceHandle: connection.fromHandle.id ?? null,
        targetHandle: connection.toHandle?.id ?? null,
      });
      if (problem) store.getState().showHint(problem);
    },
    [store],
  );

  /** Drops a state at a screen point, inside the innermost branch or map under it. */
  const dropAt = useCallback(
    (type: StateType, clientX: number, clientY: number) => {
      const point = screenToFlowPosition({ x: clientX, y: clientY });
      const containers = getIntersectingNodes({ x: point.x, y: point.y, width: 1, height: 1 }).filter(
        (n) => n.type === "branch" || n.type === "map",
      );
      const parent = containers.at(-1);
      const all = store.getState().nodes;
      const origin = parent ? absolutePosition(all, parent.id) : { x: 0, y: 0 };
      const position = { x: point.x - origin.x - STATE_WIDTH / 2, y: point.y - origin.y - STATE_HEIGHT / 2 };
      store.getState().addState(type, position, parent?.id);
    },
    [store, screenToFlowPosition, getIntersectingNodes],
  );

  /** States dropped over a branch or map (or out of one) move into that scope, every dragged one. */
  const onNodeDragStop = useCallback(
    (_event: unknown, node: FlowNode, dragged: FlowNode[]) => {
      const moving = new Set((dragged.length > 0 ? dragged : [node]).map((n) => n.id));
      for (const id of moving) {
        const all = store.getState().nodes;
        const current = all.find((n) => n.id === id);
        const internal = getInternalNode(id);
        // A dragged container carries its children: only the outermost dragged states change scope.
        if (!current || !internal || current.type === "branch" || hasAncestorIn(all, current, moving))
          continue;
        const inside = withDescendants(all, [id]);
        const size = nodeSize(current);
        const center = {
          x: internal.internals.positionAbsolute.x + size.width / 2,
          y: internal.internals.positionAbsolute.y + size.height / 2,
        };
        const scope = getIntersectingNodes({ ...center, width: 1, height: 1 })
          .filter((n) => (n.type === "branch" || n.type === "map") && !inside.has(n.id) && !moving.has(n.id))
          .at(-1);
        if (scope?.id !== current.parentId) {
          const origin = scope ? absolutePosition(all, scope.id) : { x: 0, y: 0 };
          store.getState().moveToScope(id, scope?.id, {
            x: internal.internals.positionAbsolute.x - origin.x,
            y: internal.internals.positionAbsolute.y - origin.y,
          });
        }
      }
      store.getState().endGesture();
    },
    [store, getInternalNode, getIntersectingNodes],
  );

  /** The picked state goes where the connection was dropped, in the source's scope, linked from its exit. */
  const pick = useCallback(
    (type: StateType) => {
      if (!picker) return;
      setPicker(undefined);
      const bounds = document.querySelector("[data-testid=canvas]")?.getBoundingClientRect();
      const point = screenToFlowPosition({
        x: (bounds?.left ?? 0) + picker.x,
        y: (bounds?.top ?? 0) + picker.y,
      });
      const all = store.getState().nodes;
      const parentId = all.find((n) => n.id === picker.source)?.parentId;
      const origin = parentId ? absolutePosition(all, parentId) : { x: 0, y: 0 };
      const id = store
        .getState()
        .addState(type, { x: point.x - origin.x, y: point.y - origin.y - STATE_HEIGHT / 2 }, parentId);
      store
        .getState()
        .onConnect({ source: picker.source, sourceHandle: picker.handle, target: id, targetHandle: null });
    },
    [picker, store, screenToFlowPosition],
  );
  const closePicker = useCallback(() => setPicker(undefined), []);

  /** Opens at a zoom where states can be read: fit when that is readable, else start at the start state. */
  const onInit = useCallback(
    (instance: ReactFlowInstance<FlowNode, FlowEdge>) => {
      const { nodes: all, meta, direction } = store.getState();
      const bounds = document.querySelector("[data-testid=canvas]")?.getBoundingClientRect();
      const viewport = bounds
        ? readableViewport(all, meta.startAt, { width: bounds.width, height: bounds.height }, direction)
        : undefined;
      if (viewport) void instance.setViewport(viewport);
      else fit(FIT_VIEW_OPTIONS);
    },
    [store, fit],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(DRAG_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(DRAG_MIME) as StateType;
      if (!type || store.getState().readOnly) return;
      event.preventDefault();
      // A drop takes the view over, as a pan does: a glide still running (a fit, the focus on a problem)
      // stops here. Left running, it carried the new state away from where it was dropped, onto its neighbours.
      void setViewport(getViewport());
      dropAt(type, event.clientX, event.clientY);
    },
    [dropAt, store, getViewport, setViewport],
  );

  return (
    <div
      className="relative h-full w-full"
      role="application"
      aria-label="Workflow canvas"
      onDragOver={onDragOver}
      onDrop={onDrop}
      data-testid="canvas"
    >
      <EdgeMarkers />
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={actions.onNodesChange}
        onEdgesChange={actions.onEdgesChange}
        onConnect={actions.onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={actions.beginGesture}
        onNodeDragStop={onNodeDragStop}
        onNodeClick={onNodeClick ? (_e, node) => onNodeClick(node.id) : undefined}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesFocusable={!readOnly}
        deleteKeyCode={DELETE_KEYS}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        connectionLineType={ConnectionLineType.SmoothStep}
        connectionLineStyle={{ stroke: "#6366f1", strokeWidth: 2 }}
        connectionRadius={28}
        onInit={onInit}
        onPaneClick={closePicker}
        minZoom={0.08}
        maxZoom={2}
        onlyRenderVisibleElements
        proOptions={PRO_OPTIONS}
        colorMode={theme}
        className="bg-slate-50"
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="var(--color-slate-300)" />
        {nodes.length <= MINIMAP_LIMIT && <CanvasMiniMap />}
        <Controls
          showInteractive={false}
          showFitView={false}
          className="!rounded-xl !border !border-slate-200 !shadow-sm overflow-hidden"
        >
          <ControlButton
            onClick={() => fit(FIT_VIEW_OPTIONS)}
            title="Fit view"
            aria-label="Fit view"
            className="react-flow__controls-fitview"
          >
            <FitIcon />
          </ControlButton>
        </Controls>
        {children}
      </ReactFlow>
      {!readOnly && <EmptyCanvasHint />}
      {picker && <StatePicker at={picker} handle={picker.handle} onPick={pick} onClose={closePicker} />}
      <HintToast />
    </div>
  );
});

/** The four corners of React Flow's own fit button. */
function FitIcon() {
  return (
    <svg viewBox="0 0 32 30" aria-hidden="true">
      <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
    </svg>
  );
}

/** Whether a parent (at any depth) of `node` is among `ids`. */
function hasAncestorIn(nodes: readonly FlowNode[], node: FlowNode, ids: ReadonlySet<string>): boolean {
  let parent = node.parentId;
  while (parent) {
    if (ids.has(parent)) return true;
    parent = nodes.find((n) => n.id === parent)?.parentId;
  }
  return false;
}

/** A blank workflow says how to begin. */
function EmptyCanvasHint() {
  const empty = useEditor((s) => s.nodes.length === 0);
  if (!empty) return null;
  return (
    <div className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center">
      <div className="rounded-2xl border border-slate-300 border-dashed bg-white/80 px-8 py-6 text-center shadow-sm backdrop-blur">
        <div className="font-semibold text-slate-700">Drag a state here to begin</div>
        <div className="mt-1 text-[13px] text-slate-500">
          Start with a Task. Connect states by dragging from their coloured handles; press ? for shortcuts.
        </div>
      </div>
    </div>
  );
}

/** A refused connection (or similar) explains itself for a few seconds. */
function HintToast() {
  const hint = useEditor((s) => s.hint);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!hint) return;
    setVisible(true);
    const timer = setTimeout(() => setVisible(false), 4000);
    return () => clearTimeout(timer);
  }, [hint]);
  if (!hint || !visible) return null;
  return (
    <div
      className="-translate-x-1/2 pointer-events-none absolute top-4 left-1/2 z-20 rounded-xl bg-slate-900 px-4 py-2 text-[13px] text-white shadow-xl"
      role="status"
      data-testid="hint"
    >
      {hint.text}
    </div>
  );
}
