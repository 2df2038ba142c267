import type { FlowEdge, FlowNode } from "../types";
import type { LayoutDirection } from "./elk-layout";
import { CONTAINER_PADDING, nodeSize } from "./node-size";

/** Layers per band: a 10,000-state chain becomes rows of 40 rather than one row 3 million pixels long. */
const BAND = 40;
const GAP = { layer: 80, inLayer: 40, band: 120 };

/**
 * A plain layered layout for graphs too big for ELK (whose recursive passes overflow the stack on
 * thousands of states): each scope's states are layered by breadth-first distance from its first state,
 * compensations go beside their task, and layers wrap into bands. Iterative throughout, linear in size.
 * Pure: returns the nodes with new positions (containers sized to their content).
 */
export function bandedLayout(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
  direction: LayoutDirection = "LR",
): FlowNode[] {
  const byParent = new Map<string | undefined, FlowNode[]>();
  for (const node of nodes) {
    const list = byParent.get(node.parentId) ?? [];
    list.push(node);
    byParent.set(node.parentId, list);
  }
  const outgoing = new Map<string, string[]>();
  const besideOf = new Map<string, string>();
  for (const edge of edges) {
    if (edge.data?.kind === "compensation") {
      if (!besideOf.has(edge.target)) besideOf.set(edge.target, edge.source);
      continue;
    }
    const list = outgoing.get(edge.source) ?? [];
    list.push(edge.target);
    outgoing.set(edge.source, list);
  }

  const positions = new Map<string, { x: number; y: number }>();
  const sizes = new Map<string, { width: number; height: number }>();
  const sizeOf = (node: FlowNode) => sizes.get(node.id) ?? nodeSize(node);

  // Innermost scopes first: a container's size must be known before its own scope is laid out.
  const order: (string | undefined)[] = [];
  const stack: (string | undefined)[] = [undefined];
  while (stack.length > 0) {
    const scope = stack.pop();
    order.push(scope);
    for (const child of byParent.get(scope) ?? []) if (byParent.has(child.id)) stack.push(child.id);
  }
  for (const scope of order.reverse()) {
    const members = byParent.get(scope) ?? [];
    const box = layoutScope(members, outgoing, besideOf, sizeOf, positions, direction);
    const container = scope === undefined ? undefined : nodes.find((n) => n.id === scope);
    if (container) {
      sizes.set(container.id, {
        width: Math.max(nodeSize(container).width, box.width + 2 * CONTAINER_PADDING.side),
        height: Math.max(
          nodeSize(container).height,
          box.height + CONTAINER_PADDING.top + CONTAINER_PADDING.bottom,
        ),
      });
    }
  }
  return nodes.map((node) => {
    const at = positions.get(node.id) ?? node.position;
    const size = sizes.get(node.id);
    return size
      ? { ...node, position: at, width: size.width, height: size.height }
      : { ...node, position: at };
  });
}

function layoutScope(
  members: readonly FlowNode[],
  outgoing: ReadonlyMap<string, string[]>,
  besideOf: ReadonlyMap<string, string>,
  sizeOf: (node: FlowNode) => { width: number; height: number },
  positions: Map<string, { x: number; y: number }>,
  direction: LayoutDirection,
): { width: number; height: number } {
  const inScope = new Map(members.map((m) => [m.id, m]));
  const flow = members.filter((m) => !besideOf.has(m.id));
  // Breadth-first layers from the first state; states nothing reaches start a layer of their own.
  // A parallel's branch lanes have no edges: they stack across the flow in one layer.
  const layerOf = new Map<string, number>();
  let deepest = -1;
  for (const root of flow) {
    if (layerOf.has(root.id)) continue;
    const start = root.type === "branch" ? 0 : deepest + 1;
    layerOf.set(root.id, start);
    deepest = Math.max(deepest, start);
    const queue = [root.id];
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head] as string;
      for (const target of outgoing.get(id) ?? []) {
        if (layerOf.has(target) || !inScope.has(target) || besideOf.has(target)) continue;
        const layer = (layerOf.get(id) ?? 0) + 1;
        layerOf.set(target, layer);
        deepest = Math.max(deepest, layer);
        queue.push(target);
      }
    }
  }
  const layers: FlowNode[][] = [];
  for (const node of flow) {
    const layer = layerOf.get(node.id) ?? 0;
    const members = layers[layer] ?? [];
    members.push(node);
    layers[layer] = members;
  }
  const companion = new Map<string, FlowNode>();
  for (const [comp, task] of besideOf) {
    const node = inScope.get(comp);
    if (node && inScope.has(task)) companion.set(task, node);
  }

  // Along the flow: x for left-to-right; across: y. Swapped for top-down.
  const along = (s: { width: number; height: number }) => (direction === "LR" ? s.width : s.height);
  const across = (s: { width: number; height: number }) => (direction === "LR" ? s.height : s.width);
  const place = (node: FlowNode, a: number, c: number) =>
    positions.set(node.id, direction === "LR" ? { x: a, y: c } : { x: c, y: a });

  let bandStart = 0;
  let extentAlong = 0;
  let extentAcross = 0;
  for (let first = 0; first < layers.length; first += BAND) {
    let a = 0;
    let bandDepth = 0;
    for (const layer of layers.slice(first, first + BAND)) {
      let c = bandStart;
      let layerWidth = 0;
      for (const node of layer ?? []) {
        const size = sizeOf(node);
        place(node, a, c);
        c += across(size);
        const comp = companion.get(node.id);
        if (comp) {
          place(comp, a, c + 28);
          c += 28 + across(sizeOf(comp));
        }
        c += GAP.inLayer;
        layerWidth = Math.max(layerWidth, along(size));
      }
      bandDepth = Math.max(bandDepth, c - bandStart);
      a += layerWidth + GAP.layer;
    }
    extentAlong = Math.max(extentAlong, a - GAP.layer);
    bandStart += bandDepth + GAP.band;
    extentAcross = bandStart - GAP.band;
  }
  // Compensations whose task is elsewhere: a row after everything.
  for (const [comp] of besideOf) {
    const node = inScope.get(comp);
    if (node && !positions.has(node.id)) {
      place(node, 0, extentAcross + GAP.band);
      extentAcross += GAP.band + across(sizeOf(node));
    }
  }
  return direction === "LR"
    ? { width: extentAlong, height: Math.max(0, extentAcross) }
    : { width: Math.max(0, extentAcross), height: extentAlong };
}
