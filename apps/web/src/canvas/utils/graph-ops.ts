import type { State, StateType } from "@sagaflow/shared";
import { DEFAULT_STATES, ID_PREFIX } from "../nodes/defaults";
import type { DefinitionMeta, FlowEdge, FlowNode, StateNode } from "../types";
import { branchNodeId, isStateNode } from "../types";
import { EMPTY_BRANCH, EMPTY_CONTAINER, STATE_HEIGHT, STATE_WIDTH } from "./node-size";
import { removeRef, removeRefsTo, renameRefs } from "./state-refs";

/** Pure edits of the canvas model. Each returns new arrays; untouched nodes keep their identity. */

export interface GraphModel {
  nodes: FlowNode[];
  meta: DefinitionMeta;
}

export function uniqueId(nodes: readonly FlowNode[], prefix: string): string {
  const taken = new Set(nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`${prefix}_${i}`)) return `${prefix}_${i}`;
}

/** The id of the state the scope (root, a branch group or a map) starts at. */
export function scopeStart(model: GraphModel, scopeId: string | undefined): string | undefined {
  if (!scopeId) return model.meta.startAt;
  const scope = model.nodes.find((n) => n.id === scopeId);
  if (!scope) return undefined;
  if (scope.type === "branch") {
    const parallel = model.nodes.find((n) => n.id === scope.data.parallelId);
    if (parallel && isStateNode(parallel) && parallel.data.state.type === "parallel") {
      return parallel.data.state.branches[scope.data.branch]?.startAt;
    }
    return undefined;
  }
  if (isStateNode(scope) && scope.data.state.type === "map") return scope.data.state.iterator.startAt;
  return undefined;
}

/** Every scope's start state, for the start markers. */
export function startIds(model: GraphModel): Record<string, true> {
  const starts: Record<string, true> = {};
  if (model.meta.startAt) starts[model.meta.startAt] = true;
  for (const node of model.nodes) {
    if (!isStateNode(node)) continue;
    const state = node.data.state;
    if (state.type === "map" && state.iterator.startAt) starts[state.iterator.startAt] = true;
    if (state.type === "parallel")
      for (const b of Object.values(state.branches)) if (b.startAt) starts[b.startAt] = true;
  }
  return starts;
}

/** Makes `stateId` the start of the scope it lives in. */
export function setScopeStart(model: GraphModel, stateId: string): GraphModel {
  const node = model.nodes.find((n) => n.id === stateId);
  if (!node) return model;
  if (!node.parentId) return { ...model, meta: { ...model.meta, startAt: stateId } };
  const scope = model.nodes.find((n) => n.id === node.parentId);
  if (!scope) return model;
  const ownerId = scope.type === "branch" ? scope.data.parallelId : scope.id;
  const nodes = model.nodes.map((n) => {
    if (n.id !== ownerId || !isStateNode(n)) return n;
    const state = n.data.state;
    if (state.type === "map")
      return withState(n, { ...state, iterator: { ...state.iterator, startAt: stateId } });
    if (state.type === "parallel" && scope.type === "branch") {
      const branch = scope.data.branch;
      const current = state.branches[branch] ?? { startAt: "", states: {} };
      return withState(n, {
        ...state,
        branches: { ...state.branches, [branch]: { ...current, startAt: stateId } },
      });
    }
    return n;
  });
  return { ...model, nodes };
}

export const withState = (node: StateNode, state: State): StateNode => ({
  ...node,
  data: { ...node.data, state },
});

/** Adds a new state of `type` at `position` (relative to `parentId`, a branch group or map, if given). */
export function addState(
  model: GraphModel,
  type: StateType,
  position: { x: number; y: number },
  parentId?: string,
): { model: GraphModel; id: string } {
  const id = uniqueId(model.nodes, ID_PREFIX[type]);
  const state = DEFAULT_STATES[type];
  const added: FlowNode[] = [
    {
      id,
      type,
      position,
      data: { stateId: id, state },
      ...(parentId ? { parentId } : {}),
      ...(type === "parallel" || type === "map"
        ? { ...EMPTY_CONTAINER, zIndex: -1 }
        : { initialWidth: STATE_WIDTH, initialHeight: STATE_HEIGHT }),
      selected: true,
    },
  ];
  if (state.type === "parallel") {
    Object.keys(state.branches).forEach((branch, i) => {
      added.push(
        branchNode(
          id,
          branch,
          { x: 20, y: 44 + i * (EMPTY_BRANCH.height / 2 + 16) },
          EMPTY_BRANCH.height / 2,
        ),
      );
    });
    added[0] = { ...added[0]!, height: 44 + 2 * (EMPTY_BRANCH.height / 2 + 16) + 4 };
  }
  const nodes = [...model.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added];
  let next: GraphModel = { ...model, nodes };
  const start = scopeStart(next, parentId);
  if (!start || !nodes.some((n) => n.id === start)) next = setScopeStart(next, id);
  return { model: next, id };
}

export function branchNode(
  parallelId: string,
  branch: string,
  position: { x: number; y: number },
  height = EMPTY_BRANCH.height,
): FlowNode {
  return {
    id: branchNodeId(parallelId, branch),
    type: "branch",
    parentId: parallelId,
    position,
    width: EMPTY_BRANCH.width,
    height,
    data: { parallelId, branch },
    draggable: false,
    deletable: false,
    selectable: false,
    zIndex: -1,
  };
}

/** The ids plus every node nested inside them. */
export function withDescendants(nodes: readonly FlowNode[], ids: Iterable<string>): Set<string> {
  const all = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (node.parentId && all.has(node.parentId) && !all.has(node.id)) {
        all.add(node.id);
        grew = true;
      }
    }
  }
  return all;
}

/** Deletes states (with their nested states) and every transition pointing at them. */
export function deleteStates(model: GraphModel, ids: Iterable<string>): GraphModel {
  const gone = withDescendants(model.nodes, ids);
  const nodes = model.nodes
    .filter((n) => !gone.has(n.id))
    .map((n) => {
      if (!isStateNode(n)) return n;
      let state = n.data.state;
      for (const id of gone) state = removeRefsTo(state, id);
      return state === n.data.state ? n : withState(n, state);
    });
  const meta = gone.has(model.meta.startAt)
    ? { ...model.meta, startAt: nodes.find((n) => !n.parentId && isStateNode(n))?.id ?? "" }
    : model.meta;
  return { nodes, meta };
}

/** Deletes edges: each one is a transition field of its source state. */
export function deleteEdges(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): FlowNode[] {
  // Highest index first, so removing one rule does not shift the next one to remove.
  const sorted = [...edges].sort((a, b) => (b.data?.index ?? 0) - (a.data?.index ?? 0));
  let result = [...nodes];
  for (const edge of sorted) {
    if (!edge.data) continue;
    const { kind, index } = edge.data;
    result = result.map((n) =>
      n.id === edge.source && isStateNode(n) ? withState(n, removeRef(n.data.state, kind, index)) : n,
    );
  }
  return result;
}

/** Renames a state everywhere: its node, nested nodes' parents, and every reference to it. */
export function renameState(model: GraphModel, from: string, to: string): GraphModel {
  if (from === to || model.nodes.some((n) => n.id === to)) return model;
  const renameParent = (parentId: string | undefined): string | undefined => {
    if (parentId === from) return to;
    if (parentId?.startsWith(`${from}.`)) return `${to}${parentId.slice(from.length)}`;
    return parentId;
  };
  const nodes = model.nodes.map((n): FlowNode => {
    const parentId = renameParent(n.parentId);
    const base = parentId === n.parentId ? n : { ...n, parentId };
    if (!isStateNode(base)) {
      if (base.data.parallelId !== from) return base;
      return { ...base, id: branchNodeId(to, base.data.branch), data: { ...base.data, parallelId: to } };
    }
    const state = renameRefs(base.data.state, from, to);
    const renamed = state === base.data.state ? base : withState(base, state);
    return base.id === from ? { ...renamed, id: to, data: { ...renamed.data, stateId: to } } : renamed;
  });
  const meta = model.meta.startAt === from ? { ...model.meta, startAt: to } : model.meta;
  return { nodes, meta };
}

/** Replaces one state's fields (from the inspector). */
export function updateState(nodes: readonly FlowNode[], id: string, state: State): FlowNode[] {
  return nodes.map((n) => (n.id === id && isStateNode(n) ? withState(n, state) : n));
}

/** Adds, renames or removes a parallel branch, keeping its group node in step. */
export function addBranch(nodes: readonly FlowNode[], parallelId: string): FlowNode[] {
  const parallel = nodes.find((n) => n.id === parallelId);
  if (!parallel || !isStateNode(parallel) || parallel.data.state.type !== "parallel") return [...nodes];
  const state = parallel.data.state;
  let i = Object.keys(state.branches).length + 1;
  while (state.branches[`branch_${i}`]) i++;
  const name = `branch_${i}`;
  const groups = nodes.filter((n) => n.parentId === parallelId && n.type === "branch");
  const bottom = Math.max(28, ...groups.map((g) => g.position.y + (g.height ?? EMPTY_BRANCH.height)));
  const next = nodes.map((n) =>
    n.id === parallelId && isStateNode(n)
      ? {
          ...withState(n, { ...state, branches: { ...state.branches, [name]: { startAt: "", states: {} } } }),
          height: bottom + 16 + EMPTY_BRANCH.height / 2 + 20,
        }
      : n,
  );
  return [...next, branchNode(parallelId, name, { x: 20, y: bottom + 16 }, EMPTY_BRANCH.height / 2)];
}

export function removeBranch(model: GraphModel, parallelId: string, branch: string): GraphModel {
  const groupId = branchNodeId(parallelId, branch);
  const cleared = deleteStates(model, [groupId]);
  const nodes = cleared.nodes.map((n) => {
    if (n.id !== parallelId || !isStateNode(n) || n.data.state.type !== "parallel") return n;
    const { [branch]: _removed, ...branches } = n.data.state.branches;
    return withState(n, { ...n.data.state, branches });
  });
  return { ...cleared, nodes };
}

/** Copies of `ids` (and their nested states) with fresh ids; transitions between copies follow them. */
export function duplicateStates(
  nodes: readonly FlowNode[],
  copied: readonly FlowNode[],
  offset: { x: number; y: number },
): { added: FlowNode[]; ids: string[] } {
  const taken = [...nodes];
  const rename = new Map<string, string>();
  for (const node of copied) {
    if (!isStateNode(node)) continue;
    const base = node.id.replace(/_copy(_\d+)?$/, "");
    const id = uniqueId(taken, `${base}_copy`);
    rename.set(node.id, id);
    taken.push({ ...node, id });
  }
  const renameId = (id: string) => {
    const [head, ...rest] = id.split(".");
    const renamed = rename.get(head ?? "");
    return renamed ? [renamed, ...rest].join(".") : id;
  };
  const copiedIds = new Set(copied.map((n) => n.id));
  const added = copied.map((node): FlowNode => {
    const isTop = !node.parentId || !copiedIds.has(node.parentId);
    const position = isTop ? { x: node.position.x + offset.x, y: node.position.y + offset.y } : node.position;
    const parentId = node.parentId ? renameId(node.parentId) : undefined;
    const base = {
      ...node,
      id: renameId(node.id),
      position,
      selected: isTop,
      ...(parentId ? { parentId } : {}),
    };
    delete base.measured;
    if (!isStateNode(node)) {
      return { ...base, data: { ...node.data, parallelId: renameId(node.data.parallelId) } } as FlowNode;
    }
    let state = node.data.state;
    for (const [from, to] of rename) state = renameRefs(state, from, to);
    return { ...base, data: { stateId: base.id, state } } as FlowNode;
  });
  return { added, ids: added.map((n) => n.id) };
}

/** Where a node is on the canvas, adding up its parents' positions. */
export function absolutePosition(nodes: readonly FlowNode[], id: string): { x: number; y: number } {
  let x = 0;
  let y = 0;
  let current = nodes.find((n) => n.id === id);
  while (current) {
    x += current.position.x;
    y += current.position.y;
    const parentId = current.parentId;
    current = parentId ? nodes.find((n) => n.id === parentId) : undefined;
  }
  return { x, y };
}

/** Where a state added by click goes: right of the selected root state, else right of the rightmost one. */
export function placeAfter(nodes: readonly FlowNode[], gap = 80): { x: number; y: number } | undefined {
  const roots = nodes.filter((n) => !n.parentId);
  const anchor =
    roots.find((n) => n.selected) ??
    roots.reduce<FlowNode | undefined>(
      (best, n) => (!best || n.position.x > best.position.x ? n : best),
      undefined,
    );
  if (!anchor) return undefined;
  const width = anchor.width ?? anchor.measured?.width ?? 232;
  return { x: anchor.position.x + width + gap, y: anchor.position.y };
}

/**
 * Moves a state into another scope (the root, a branch or a map) at `position` (relative to it).
 * Transitions cannot cross scopes, so those between the state and its old neighbours are removed;
 * the state starts its new scope if that scope had no start yet.
 */
export function moveToScope(
  model: GraphModel,
  id: string,
  parentId: string | undefined,
  position: { x: number; y: number },
): GraphModel {
  const node = model.nodes.find((n) => n.id === id);
  if (!node || !isStateNode(node) || node.parentId === parentId) return model;
  const moving = withDescendants(model.nodes, [id]);
  if (parentId && moving.has(parentId)) return model; // not into itself
  const oldSiblings = new Set(
    model.nodes.filter((n) => n.parentId === node.parentId && n.id !== id).map((n) => n.id),
  );
  const kept: FlowNode[] = [];
  const moved: FlowNode[] = [];
  for (const n of model.nodes) {
    if (n.id === id) {
      let state = n.data.state as State;
      for (const sibling of oldSiblings) state = removeRefsTo(state, sibling);
      const { parentId: _old, ...rest } = n;
      moved.push({
        ...rest,
        ...(parentId ? { parentId } : {}),
        position,
        data: { ...n.data, state },
      } as FlowNode);
    } else if (moving.has(n.id)) {
      moved.push(n);
    } else if (oldSiblings.has(n.id) && isStateNode(n)) {
      const state = removeRefsTo(n.data.state, id);
      kept.push(state === n.data.state ? n : withState(n, state));
    } else {
      kept.push(n);
    }
  }
  // Parents must precede children: the moved subtree goes last.
  let next: GraphModel = { ...model, nodes: [...kept, ...moved] };
  const start = scopeStart(next, parentId);
  if (!start || !next.nodes.some((n) => n.id === start)) next = setScopeStart(next, id);
  return next;
}
