import type { Diagnostic, State, StateType } from "@sagaflow/shared";
import type { Connection, EdgeChange, NodeChange } from "@xyflow/react";
import { applyEdgeChanges, applyNodeChanges } from "@xyflow/react";
import { temporal } from "zundo";
import { createStore } from "zustand/vanilla";
import type { DefinitionMeta, FlowEdge, FlowNode, Graph } from "../types";
import { isStateNode } from "../types";
import { addAfter } from "../utils/add-after";
import { planConnection } from "../utils/connection-rules";
import { deriveEdges } from "../utils/derive-edges";
import { inUiWords } from "../utils/diagnostic-words";
import type { LayoutDirection } from "../utils/elk-layout";
import type { GraphModel } from "../utils/graph-ops";
import {
  addBranch,
  addState,
  deleteEdges,
  deleteStates,
  duplicateStates,
  moveToScope,
  removeBranch,
  renameState,
  setScopeStart,
  startIds,
  updateState,
  withDescendants,
} from "../utils/graph-ops";
import { type Marker, markersOf } from "./markers";

/** The part of the editor that undo/redo tracks: the definition as drawn. */
export interface TrackedGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  meta: DefinitionMeta;
  /** Which way the flow reads; handles sit accordingly (undo restores it with the layout it went with). */
  direction: LayoutDirection;
}

export interface EditorState extends TrackedGraph {
  readOnly: boolean;
  /** Bumped on every change of the definition's content (not on drags): drives validation and the JSON view. */
  revision: number;
  /** Bumped when only positions change. */
  layoutRevision: number;
  starts: Record<string, true>;
  diagnostics: Diagnostic[];
  nodeMarkers: Record<string, Marker>;
  edgeMarkers: Record<string, Marker>;
  /** A short message for the user (an invalid connection, a refused rename). */
  hint: { text: string; at: number } | undefined;
  clipboard: FlowNode[];

  load(graph: Graph, options?: { readOnly?: boolean }): void;
  onNodesChange(changes: NodeChange<FlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<FlowEdge>[]): void;
  onConnect(connection: Connection): void;
  /** A drag-to-connect preview: the reason it would be refused, or undefined if fine. */
  connectionProblem(connection: Connection): string | undefined;
  addState(type: StateType, position: { x: number; y: number }, parentId?: string): string;
  /** Adds a state linked after `anchorId` (see `addAfter`); returns its id. */
  addAfter(type: StateType, anchorId: string): string;
  updateState(id: string, state: State): void;
  renameState(from: string, to: string): boolean;
  setStart(id: string): void;
  setMeta(meta: DefinitionMeta): void;
  /** Moves a state into another scope (dragged into or out of a branch or map). */
  moveToScope(id: string, parentId: string | undefined, position: { x: number; y: number }): void;
  addBranch(parallelId: string): void;
  removeBranch(parallelId: string, branch: string): void;
  deleteSelection(): void;
  copySelection(): number;
  paste(): void;
  selectAll(): void;
  select(id: string): void;
  selectEdge(id: string): void;
  replaceNodes(nodes: FlowNode[]): void;
  /** Auto-layout's result and the direction it was laid out in: one undo step. */
  applyLayout(nodes: FlowNode[], direction: LayoutDirection): void;
  /** The whole definition replaced (the JSON view, auto-layout): one undo step. */
  replaceModel(model: GraphModel): void;
  setDiagnostics(diagnostics: Diagnostic[]): void;
  setDirection(direction: LayoutDirection): void;
  showHint(text: string): void;
  beginGesture(): void;
  endGesture(): void;
}

/** Undo records a state when a node's position, size, parent or data changed (selection and measuring don't count). */
function sameGraph(a: Partial<TrackedGraph>, b: Partial<TrackedGraph>): boolean {
  if (a.meta !== b.meta || a.direction !== b.direction) return false;
  const x = a.nodes ?? [];
  const y = b.nodes ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const m = x[i]!;
    const n = y[i]!;
    if (m.id !== n.id || m.position !== n.position || m.data !== n.data || m.parentId !== n.parentId)
      return false;
    if (m.width !== n.width || m.height !== n.height) return false;
  }
  return true;
}

const emptyMeta: DefinitionMeta = { name: "untitled", startAt: "" };

export function createEditorStore() {
  // One drag or resize is one undo step: only its first change records the state before it.
  const gesture = { active: false, recorded: false };

  const store = createStore<EditorState>()(
    temporal(
      (set, get) => {
        /** Commits a content change: edges and start markers are derived again. */
        const commit = (model: Partial<GraphModel>, extra: Partial<EditorState> = {}) => {
          if (get().readOnly) return;
          const nodes = model.nodes ?? get().nodes;
          const meta = model.meta ?? get().meta;
          set({
            nodes,
            meta,
            edges: deriveEdges(nodes, get().edges),
            starts: startIds({ nodes, meta }),
            revision: get().revision + 1,
            ...extra,
          });
        };
        const selectedIds = () =>
          get()
            .nodes.filter((n) => n.selected && isStateNode(n))
            .map((n) => n.id);

        return {
          nodes: [],
          edges: [],
          meta: emptyMeta,
          readOnly: false,
          direction: "LR",
          revision: 0,
          layoutRevision: 0,
          starts: {},
          diagnostics: [],
          nodeMarkers: {},
          edgeMarkers: {},
          hint: undefined,
          clipboard: [],

          load(graph, options) {
            set({
              nodes: graph.nodes,
              edges: graph.edges,
              meta: graph.meta,
              readOnly: options?.readOnly ?? false,
              starts: startIds(graph),
              revision: get().revision + 1,
              diagnostics: [],
              nodeMarkers: {},
              edgeMarkers: {},
            });
          },

          onNodesChange(changes) {
            const allowed = get().readOnly
              ? changes.filter((c) => c.type === "select" || c.type === "dimensions")
              : changes;
            const removed = allowed.filter((c) => c.type === "remove").map((c) => c.id);
            const rest = allowed.filter((c) => c.type !== "remove");
            let nodes = rest.length > 0 ? applyNodeChanges(rest, get().nodes) : get().nodes;
            if (removed.length > 0) {
              const model = deleteStates({ nodes, meta: get().meta }, removed);
              commit(model);
              return;
            }
            const moved = rest.some((c) => c.type === "position" || (c.type === "dimensions" && c.resizing));
            if (nodes !== get().nodes) {
              // Keep parents before children (React Flow needs it) — changes never reorder, so this is cheap.
              nodes = nodes as FlowNode[];
              set(moved ? { nodes, layoutRevision: get().layoutRevision + 1 } : { nodes });
            }
          },

          onEdgesChange(changes) {
            const removed = changes.filter((c) => c.type === "remove").map((c) => c.id);
            const rest = changes.filter((c) => c.type === "select");
            if (rest.length > 0) set({ edges: applyEdgeChanges(rest, get().edges) });
            if (removed.length > 0 && !get().readOnly) {
              const gone = get().edges.filter((e) => removed.includes(e.id));
              commit({ nodes: deleteEdges(get().nodes, gone) });
            }
          },

          onConnect(connection) {
            const verdict = planConnection(get().nodes, connection);
            if (!verdict.ok) {
              get().showHint(verdict.hint);
              return;
            }
            commit({ nodes: updateState(get().nodes, connection.source, verdict.state) });
          },

          connectionProblem(connection) {
            const verdict = planConnection(get().nodes, connection);
            return verdict.ok ? undefined : verdict.hint;
          },

          addState(type, position, parentId) {
            const { model, id } = addState(
              { nodes: get().nodes, meta: get().meta },
              type,
              position,
              parentId,
            );
            commit(model);
            return id;
          },

          addAfter(type, anchorId) {
            const { model, id } = addAfter(
              { nodes: get().nodes, meta: get().meta },
              type,
              anchorId,
              get().direction,
            );
            commit(model);
            return id;
          },

          updateState(id, state) {
            commit({ nodes: updateState(get().nodes, id, state) });
          },

          renameState(from, to) {
            if (get().nodes.some((n) => n.id === to)) {
              get().showHint(`There is already a state “${to}”.`);
              return false;
            }
            commit(renameState({ nodes: get().nodes, meta: get().meta }, from, to));
            return true;
          },

          setStart(id) {
            commit(setScopeStart({ nodes: get().nodes, meta: get().meta }, id));
          },

          setMeta(meta) {
            commit({ meta });
          },

          moveToScope(id, parentId, position) {
            const model = { nodes: get().nodes, meta: get().meta };
            const next = moveToScope(model, id, parentId, position);
            if (next !== model) commit(next);
          },

          addBranch(parallelId) {
            commit({ nodes: addBranch(get().nodes, parallelId) });
          },

          removeBranch(parallelId, branch) {
            commit(removeBranch({ nodes: get().nodes, meta: get().meta }, parallelId, branch));
          },

          deleteSelection() {
            if (get().readOnly) return;
            const ids = selectedIds();
            const edges = get().edges.filter((e) => e.selected);
            let nodes = get().nodes;
            if (edges.length > 0) nodes = deleteEdges(nodes, edges);
            if (ids.length > 0) {
              commit(deleteStates({ nodes, meta: get().meta }, ids));
            } else if (edges.length > 0) {
              commit({ nodes });
            }
          },

          copySelection() {
            const ids = withDescendants(get().nodes, selectedIds());
            const copied = get().nodes.filter((n) => ids.has(n.id));
            set({ clipboard: copied });
            return copied.filter(isStateNode).length;
          },

          paste() {
            const clipboard = get().clipboard;
            if (clipboard.length === 0 || get().readOnly) return;
            const { added } = duplicateStates(get().nodes, clipboard, { x: 40, y: 40 });
            const nodes = [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added];
            commit({ nodes });
          },

          selectAll() {
            set({
              nodes: get().nodes.map((n) => (isStateNode(n) && !n.selected ? { ...n, selected: true } : n)),
              edges: get().edges.map((e) => (e.selected ? e : { ...e, selected: true })),
            });
          },

          select(id) {
            set({
              nodes: get().nodes.map((n) => {
                const selected = n.id === id;
                return Boolean(n.selected) === selected ? n : { ...n, selected };
              }),
              edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
            });
          },

          selectEdge(id) {
            set({
              nodes: get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
              edges: get().edges.map((e) => {
                const selected = e.id === id;
                return Boolean(e.selected) === selected ? e : { ...e, selected };
              }),
            });
          },

          replaceNodes(nodes) {
            commit({ nodes });
          },

          applyLayout(nodes, direction) {
            commit({ nodes }, { direction });
          },

          replaceModel(model) {
            commit(model);
          },

          setDiagnostics(found) {
            const diagnostics = found.map(inUiWords);
            const markers = markersOf(diagnostics);
            set({ diagnostics, nodeMarkers: markers.nodes, edgeMarkers: markers.edges });
          },

          setDirection(direction) {
            set({ direction });
          },

          showHint(text) {
            set({ hint: { text, at: Date.now() } });
          },

          beginGesture() {
            gesture.active = true;
            gesture.recorded = false;
          },

          endGesture() {
            gesture.active = false;
            set({ layoutRevision: get().layoutRevision + 1 });
          },
        };
      },
      {
        partialize: (state): TrackedGraph => ({
          nodes: state.nodes,
          edges: state.edges,
          meta: state.meta,
          direction: state.direction,
        }),
        equality: sameGraph,
        limit: 200,
        handleSet: (handleSet) => (pastState, replace, currentState, delta) => {
          if (gesture.active) {
            if (gesture.recorded) return;
            gesture.recorded = true;
          }
          (handleSet as unknown as (...args: unknown[]) => void)(pastState, replace, currentState, delta);
        },
      },
    ),
  );

  /** Undo/redo restore the tracked graph; derived parts follow. Read-only (an old version, Simulate mode): nothing moves. */
  const travel = (direction: "undo" | "redo") => {
    if (store.getState().readOnly) return;
    const temporalState = store.temporal.getState();
    if (direction === "undo") temporalState.undo();
    else temporalState.redo();
    const { nodes, meta, revision } = store.getState();
    store.setState({ starts: startIds({ nodes, meta }), revision: revision + 1 });
  };

  return Object.assign(store, { undo: () => travel("undo"), redo: () => travel("redo") });
}

export type EditorStore = ReturnType<typeof createEditorStore>;
