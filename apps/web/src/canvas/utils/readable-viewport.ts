import type { Viewport } from "@xyflow/react";
import type { FlowNode } from "../types";
import { nodeSize } from "./node-size";

/** Below this zoom a state's text is 8 px or less: too small to read. */
export const READABLE_ZOOM = 0.8;
const MARGIN = 48;

/**
 * Where a definition opens. When the whole graph fits at a readable zoom, undefined: fit it. When it
 * does not, the readable zoom, with the start state at the near edge (left for left-to-right flows, top
 * for top-down ones) and the graph centred across the flow when it fits that way.
 */
export function readableViewport(
  nodes: readonly FlowNode[],
  startId: string | undefined,
  view: { width: number; height: number },
  direction: "LR" | "TB",
  padding = 0.15,
  maxZoom = 1.1,
): Viewport | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const absolute = new Map<string, { x: number; y: number }>();
  const positionOf = (node: FlowNode): { x: number; y: number } => {
    const known = absolute.get(node.id);
    if (known) return known;
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    const origin = parent ? positionOf(parent) : { x: 0, y: 0 };
    const at = { x: origin.x + node.position.x, y: origin.y + node.position.y };
    absolute.set(node.id, at);
    return at;
  };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const node of nodes) {
    if (node.parentId) continue; // inside its container's box
    const at = positionOf(node);
    const size = nodeSize(node);
    minX = Math.min(minX, at.x);
    minY = Math.min(minY, at.y);
    maxX = Math.max(maxX, at.x + size.width);
    maxY = Math.max(maxY, at.y + size.height);
  }
  if (!Number.isFinite(minX) || view.width <= 0 || view.height <= 0) return undefined;
  const width = maxX - minX;
  const height = maxY - minY;
  const fit = Math.min(
    maxZoom,
    (view.width * (1 - 2 * padding)) / width,
    (view.height * (1 - 2 * padding)) / height,
  );
  if (fit >= READABLE_ZOOM) return undefined;
  const zoom = READABLE_ZOOM;
  const start = startId ? byId.get(startId) : undefined;
  const anchor = start ? positionOf(start) : { x: minX, y: minY };
  const anchorSize = start ? nodeSize(start) : { width: 0, height: 0 };
  if (direction === "LR") {
    const y =
      height * zoom <= view.height
        ? (view.height - height * zoom) / 2 - minY * zoom
        : view.height / 2 - (anchor.y + anchorSize.height / 2) * zoom;
    return { x: MARGIN - anchor.x * zoom, y, zoom };
  }
  const x =
    width * zoom <= view.width
      ? (view.width - width * zoom) / 2 - minX * zoom
      : view.width / 2 - (anchor.x + anchorSize.width / 2) * zoom;
  return { x, y: MARGIN - anchor.y * zoom, zoom };
}
