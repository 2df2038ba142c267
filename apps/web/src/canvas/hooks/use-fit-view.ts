import { type FitViewOptions, getViewportForBounds, useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback } from "react";
import type { FlowEdge, FlowNode } from "../types";
import { nodeSize } from "../utils/node-size";

/**
 * Fits states in view by their measured or declared sizes, at once. React Flow's own fitView waits until
 * every node is measured, and only states on screen are drawn (and so measured): on a big workflow it
 * would wait until the user happened to pan.
 */
export function useFitView(): (options?: FitViewOptions<FlowNode>) => void {
  const store = useStoreApi<FlowNode, FlowEdge>();
  const flow = useReactFlow<FlowNode, FlowEdge>();
  return useCallback(
    (options = {}) => {
      const { nodeLookup, width, height, minZoom, maxZoom } = store.getState();
      const only = options.nodes ? new Set(options.nodes.map((n) => n.id)) : undefined;
      let left = Number.POSITIVE_INFINITY;
      let top = Number.POSITIVE_INFINITY;
      let right = Number.NEGATIVE_INFINITY;
      let bottom = Number.NEGATIVE_INFINITY;
      for (const node of nodeLookup.values()) {
        if (node.hidden || (only && !only.has(node.id))) continue;
        const { x, y } = node.internals.positionAbsolute;
        const declared = nodeSize(node.internals.userNode);
        left = Math.min(left, x);
        top = Math.min(top, y);
        right = Math.max(right, x + (node.measured.width ?? declared.width));
        bottom = Math.max(bottom, y + (node.measured.height ?? declared.height));
      }
      if (!Number.isFinite(left) || width === 0 || height === 0) return;
      const viewport = getViewportForBounds(
        { x: left, y: top, width: right - left, height: bottom - top },
        width,
        height,
        options.minZoom ?? minZoom,
        options.maxZoom ?? maxZoom,
        options.padding ?? 0.1,
      );
      void flow.setViewport(viewport, options.duration ? { duration: options.duration } : undefined);
    },
    [store, flow],
  );
}
