import type { FlowEdge, FlowNode } from "../types";
import { isStateNode } from "../types";
import { stateRefs } from "./state-refs";

export const edgeId = (source: string, kind: string, index?: number): string =>
  index === undefined ? `${source}:${kind}` : `${source}:${kind}:${index}`;

/**
 * The edges the states' transition fields describe. References to ids that are not on the canvas draw
 * nothing (the validator reports them). `previous` keeps selection so re-deriving does not drop it.
 */
export function deriveEdges(nodes: readonly FlowNode[], previous: readonly FlowEdge[] = []): FlowEdge[] {
  const ids = new Set(nodes.map((n) => n.id));
  const selected = new Set(previous.filter((e) => e.selected).map((e) => e.id));
  const edges: FlowEdge[] = [];
  for (const node of nodes) {
    if (!isStateNode(node)) continue;
    for (const ref of stateRefs(node.data.state)) {
      if (!ids.has(ref.target)) continue;
      const id = edgeId(node.id, ref.kind, ref.index);
      edges.push({
        id,
        type: "transition",
        source: node.id,
        target: ref.target,
        sourceHandle: ref.kind,
        targetHandle: ref.kind === "compensation" ? "compensation" : "in",
        data: {
          kind: ref.kind,
          ...(ref.index !== undefined ? { index: ref.index } : {}),
          ...(ref.label ? { label: ref.label } : {}),
        },
        ...(ref.kind === "compensation" ? { zIndex: 0 } : {}),
        ...(selected.has(id) ? { selected: true } : {}),
      });
    }
  }
  return edges;
}
