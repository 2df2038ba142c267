import { type ReactFlowState, useStore, useStoreApi } from "@xyflow/react";
import { useMemo } from "react";
import type { FlowEdge, FlowNode } from "../types";

/** Below this many edges every edge React Flow finds visible is drawn, as usual. */
export const NEAR_VIEW_EDGES = 1500;

/**
 * The view, in cells of half a screen: the key changes a few times per screen panned, not every frame.
 * Empty for small graphs (nothing to do).
 */
const viewCell = (big: boolean) => (s: ReactFlowState) => {
  if (!big || s.width === 0) return "";
  const [tx, ty, zoom] = s.transform;
  const w = s.width / zoom;
  const h = s.height / zoom;
  return `${Math.floor(-tx / zoom / (w / 2))}:${Math.floor(-ty / zoom / (h / 2))}:${Math.round(Math.log2(zoom) * 4)}:${Math.round(s.width)}:${Math.round(s.height)}`;
};

/**
 * On a big workflow, only the edges leaving states near the view (the screen and one screen around it)
 * are drawn. React Flow draws every edge whose two ends' bounding box meets the screen: with a shared
 * failure state that hundreds of tasks catch into, that is every one of those edges, each recomputed on
 * every frame of a pan. A state's own exits are always drawn while it is near; lines arriving from far
 * away are not. Edges keep their identity when their visibility does not change.
 */
export function useEdgesNearView(edges: FlowEdge[]): FlowEdge[] {
  const big = edges.length > NEAR_VIEW_EDGES;
  const store = useStoreApi<FlowNode, FlowEdge>();
  const cell = useStore(viewCell(big));
  const hiddenCopies = useMemo(() => new WeakMap<FlowEdge, FlowEdge>(), []);
  return useMemo(() => {
    if (!big || cell === "") return edges;
    const { transform, width, height, nodeLookup } = store.getState();
    const [tx, ty, zoom] = transform;
    const w = width / zoom;
    const h = height / zoom;
    const left = -tx / zoom - w;
    const top = -ty / zoom - h;
    const near = new Set<string>();
    for (const node of nodeLookup.values()) {
      const { x, y } = node.internals.positionAbsolute;
      if (x < left + 3 * w && x + (node.measured.width ?? 300) > left && y < top + 3 * h && y + 200 > top)
        near.add(node.id);
    }
    return edges.map((edge) => {
      if (near.has(edge.source)) return edge;
      let hidden = hiddenCopies.get(edge);
      if (!hidden) {
        hidden = { ...edge, hidden: true };
        hiddenCopies.set(edge, hidden);
      }
      return hidden;
    });
  }, [edges, big, cell, store, hiddenCopies]);
}
