/// <reference path="./elk-worker-url.d.ts" />
import type { ELK as ElkApi, ElkNode } from "elkjs/lib/elk.bundled.js";
import type { FlowEdge, FlowNode } from "../types";
import { isStateNode } from "../types";
import { CONTAINER_PADDING, EMPTY_BRANCH, EMPTY_CONTAINER, nodeSize } from "./node-size";

export type LayoutDirection = "LR" | "TB";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * ELK is big (≈1.5 MB): loaded on the first layout, not with the page, and run in a web worker so a big
 * layout does not freeze the page. Where there are no workers (unit tests and benches under Node), in-thread.
 */
let elkInstance: Promise<ElkApi> | undefined;
const loadElk = (): Promise<ElkApi> => {
  elkInstance ??=
    "Worker" in globalThis
      ? Promise.all([import("elkjs/lib/elk-api.js"), import("elkjs/lib/elk-worker.min.js?url")]).then(
          ([{ default: ELK }, { default: workerUrl }]) => new ELK({ workerUrl }),
        )
      : import("elkjs/lib/elk.bundled.js").then(({ default: ELK }) => new ELK());
  return elkInstance;
};
const COMPENSATION_GAP = 28;
const BRANCH_GAP = 16;
/** Inside a parallel branch lane: room for its label and a start badge. */
const BRANCH_PADDING = { top: 40, side: 16 };

/**
 * Auto-layout: a layered layout per scope (root, each branch, each map iterator), innermost first so a
 * container's size is known before its parent is laid out. A compensation state is kept out of ELK and
 * placed beside its task (below it left-to-right, right of it top-down); the task's box is enlarged to
 * reserve the room. Pure: returns the nodes with new positions (and container sizes).
 */
export async function layoutGraph(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
  direction: LayoutDirection = "LR",
): Promise<FlowNode[]> {
  const elk = await loadElk();
  const boxes = new Map<string, Box>();
  const byParent = new Map<string | undefined, FlowNode[]>();
  for (const node of nodes) {
    const list = byParent.get(node.parentId) ?? [];
    list.push(node);
    byParent.set(node.parentId, list);
  }
  const sizeOf = (node: FlowNode) => {
    const box = boxes.get(node.id);
    return box ? { width: box.width, height: box.height } : nodeSize(node);
  };

  const layoutScope = async (parentId: string | undefined): Promise<{ width: number; height: number }> => {
    const members = byParent.get(parentId) ?? [];
    // Inner scopes first.
    for (const member of members) {
      if (member.type === "map") {
        const inner = await layoutScope(member.id);
        boxes.set(member.id, { x: 0, y: 0, ...containerSize(inner, EMPTY_CONTAINER) });
      } else if (member.type === "parallel") {
        boxes.set(member.id, { x: 0, y: 0, ...(await layoutBranches(member.id)) });
      }
    }
    if (members.length === 0) return { width: 0, height: 0 };

    const memberIds = new Set(members.map((m) => m.id));
    const scopeEdges = edges.filter((e) => memberIds.has(e.source) && memberIds.has(e.target));
    // Compensation states placed beside the first task in this scope that names them.
    const besideOf = new Map<string, string>();
    for (const edge of scopeEdges) {
      if (edge.data?.kind === "compensation" && !besideOf.has(edge.target))
        besideOf.set(edge.target, edge.source);
    }
    const extraOf = new Map<string, { width: number; height: number }>();
    for (const [comp, task] of besideOf) {
      const compNode = members.find((m) => m.id === comp);
      if (compNode) extraOf.set(task, sizeOf(compNode));
    }

    const children: ElkNode[] = members
      .filter((m) => !besideOf.has(m.id))
      .map((m) => {
        const size = sizeOf(m);
        const extra = extraOf.get(m.id);
        return {
          id: m.id,
          width: direction === "TB" && extra ? size.width + COMPENSATION_GAP + extra.width : size.width,
          height: direction === "LR" && extra ? size.height + COMPENSATION_GAP + extra.height : size.height,
        };
      });
    const graph: ElkNode = {
      id: parentId ?? "root",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": direction === "LR" ? "RIGHT" : "DOWN",
        "elk.layered.spacing.nodeNodeBetweenLayers": "72",
        "elk.spacing.nodeNode": "36",
        "elk.spacing.edgeNode": "24",
        "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
        "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
        // React Flow draws the edges itself: ELK's orthogonal routing would be wasted work.
        "elk.edgeRouting": "POLYLINE",
        // Fewer crossing-minimisation passes on big graphs keeps a 300-state layout around a second.
        "elk.layered.thoroughness": children.length > 100 ? "3" : "7",
        "elk.padding": "[top=0,left=0,bottom=0,right=0]",
      },
      children,
      edges: layeringEdges(scopeEdges.filter((e) => !besideOf.has(e.target) && !besideOf.has(e.source))).map(
        (e) => ({
          id: e.id,
          sources: [e.source],
          targets: [e.target],
        }),
      ),
    };
    const result = await elk.layout(graph);
    let width = 0;
    let height = 0;
    for (const child of result.children ?? []) {
      const member = members.find((m) => m.id === child.id);
      if (!member) continue;
      const size = sizeOf(member);
      const box = { x: child.x ?? 0, y: child.y ?? 0, width: size.width, height: size.height };
      boxes.set(child.id, box);
      width = Math.max(width, box.x + (child.width ?? 0));
      height = Math.max(height, box.y + (child.height ?? 0));
    }
    for (const [comp, task] of besideOf) {
      const taskBox = boxes.get(task);
      const compNode = members.find((m) => m.id === comp);
      if (!taskBox || !compNode) continue;
      const size = sizeOf(compNode);
      boxes.set(comp, {
        x:
          direction === "LR"
            ? taskBox.x + (taskBox.width - size.width) / 2
            : taskBox.x + taskBox.width + COMPENSATION_GAP,
        y:
          direction === "LR"
            ? taskBox.y + taskBox.height + COMPENSATION_GAP
            : taskBox.y + (taskBox.height - size.height) / 2,
        ...size,
      });
    }
    return { width, height };
  };

  /** A parallel: each branch laid out, then the branch groups stacked across the flow direction. */
  const layoutBranches = async (parallelId: string) => {
    const groups = (byParent.get(parallelId) ?? []).filter((n) => n.type === "branch");
    let offset = 0;
    let across = 0;
    for (const group of groups) {
      const inner = containerSize(await layoutScope(group.id), EMPTY_BRANCH, BRANCH_PADDING.top);
      const box =
        direction === "LR"
          ? { x: CONTAINER_PADDING.side, y: CONTAINER_PADDING.top + offset, ...inner }
          : { x: CONTAINER_PADDING.side + offset, y: CONTAINER_PADDING.top, ...inner };
      boxes.set(group.id, box);
      offset += (direction === "LR" ? inner.height : inner.width) + BRANCH_GAP;
      across = Math.max(across, direction === "LR" ? inner.width : inner.height);
    }
    const along = Math.max(0, offset - BRANCH_GAP);
    const inner = direction === "LR" ? { width: across, height: along } : { width: along, height: across };
    return {
      width: Math.max(EMPTY_CONTAINER.width, inner.width + 2 * CONTAINER_PADDING.side),
      height: Math.max(
        EMPTY_CONTAINER.height,
        inner.height + CONTAINER_PADDING.top + CONTAINER_PADDING.bottom,
      ),
    };
  };

  await layoutScope(undefined);

  // Children of containers are offset by the container's padding (ELK laid them out from 0,0).
  return nodes.map((node) => {
    const box = boxes.get(node.id);
    if (!box) return node;
    const parent = node.parentId ? nodes.find((n) => n.id === node.parentId) : undefined;
    const inset =
      parent && isStateNode(parent) && parent.type === "map"
        ? { x: CONTAINER_PADDING.side, y: CONTAINER_PADDING.top }
        : parent?.type === "branch"
          ? { x: BRANCH_PADDING.side, y: BRANCH_PADDING.top }
          : { x: 0, y: 0 };
    const position =
      node.type === "branch" ? { x: box.x, y: box.y } : { x: box.x + inset.x, y: box.y + inset.y };
    const sized = node.type === "parallel" || node.type === "map" || node.type === "branch";
    return {
      ...node,
      position,
      ...(sized ? { width: box.width, height: box.height } : {}),
    } as FlowNode;
  });
}

/**
 * The edges ELK lays out by. Many tasks often catch into one shared failure state; each such edge
 * spans many layers and costs ELK a dummy node per layer (seconds at 300 states). One catch edge per
 * target is enough to place it; the others are still drawn.
 */
function layeringEdges(edges: readonly FlowEdge[]): FlowEdge[] {
  const caught = new Set<string>();
  return edges.filter((e) => {
    if (e.data?.kind === "compensation") return false;
    if (e.data?.kind !== "catch") return true;
    if (caught.has(e.target)) return false;
    caught.add(e.target);
    return true;
  });
}

/** A container's size around content laid out from (0,0), never smaller than an empty one. */
function containerSize(
  inner: { width: number; height: number },
  min: { width: number; height: number },
  top = CONTAINER_PADDING.top,
): { width: number; height: number } {
  const side = top === CONTAINER_PADDING.top ? CONTAINER_PADDING.side : BRANCH_PADDING.side;
  return {
    width: Math.max(min.width, inner.width + 2 * side),
    height: Math.max(
      min.height,
      inner.height + top + (top === CONTAINER_PADDING.top ? CONTAINER_PADDING.bottom : BRANCH_PADDING.side),
    ),
  };
}
