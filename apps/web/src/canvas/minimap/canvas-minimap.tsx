import { MiniMap, type ReactFlowState, useStore } from "@xyflow/react";
import type { FlowNode } from "../types";
import { nodeSize } from "../utils/node-size";
import { coversANode } from "./covers-a-node";

const COLORS: Record<string, string> = {
  task: "#6366f1",
  compensation: "#8b5cf6",
  choice: "#f59e0b",
  parallel: "#99f6e4",
  map: "#bae6fd",
  wait: "#64748b",
  signal: "#f97316",
  succeed: "#10b981",
  fail: "#f43f5e",
  branch: "#f0fdfa",
};
const color = (node: FlowNode) => COLORS[node.type ?? ""] ?? "#cbd5e1";

const SIZE = { width: 168, height: 112 };
/** React Flow's panel margin, plus room for the border and shadow. */
const MARGIN = 15;
const SLACK = 6;

/** Whether a state is under the bottom-right corner the minimap sits in. */
function cornerTaken(s: ReactFlowState): boolean {
  const area = {
    x: s.width - MARGIN - SIZE.width - SLACK,
    y: s.height - MARGIN - SIZE.height - SLACK,
    width: SIZE.width + 2 * SLACK,
    height: SIZE.height + 2 * SLACK,
  };
  const placed = function* () {
    for (const node of s.nodeLookup.values()) {
      if (node.hidden) continue;
      const { x, y } = node.internals.positionAbsolute;
      const size = nodeSize(node.internals.userNode as FlowNode);
      yield { x, y, width: node.measured.width ?? size.width, height: node.measured.height ?? size.height };
    }
  };
  return coversANode(area, placed(), s.transform);
}

/**
 * The overview in the bottom-right corner. It never covers a state: while panning or zooming brings one
 * under it, it fades out and lets clicks through, and comes back once the corner is clear. Below 1280 px
 * the canvas is too narrow for it next to the zoom controls, so it is not shown at all.
 */
export function CanvasMiniMap() {
  const covering = useStore(cornerTaken);
  return (
    <MiniMap<FlowNode>
      pannable
      zoomable
      style={SIZE}
      nodeColor={color}
      nodeStrokeWidth={0}
      maskColor="color-mix(in oklab, var(--color-slate-100) 70%, transparent)"
      // Hidden, not just transparent: no clicks land on it and screen readers skip it.
      className={`!rounded-xl !border !border-slate-200 !shadow-sm transition-[opacity,visibility] duration-200 max-xl:!hidden ${covering ? "invisible opacity-0" : ""}`}
    />
  );
}
