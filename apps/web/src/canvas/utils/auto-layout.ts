import type { FlowEdge, FlowNode } from "../types";
import { bandedLayout } from "./banded-layout";
import { type LayoutDirection, layoutGraph } from "./elk-layout";

/** Above this many nodes ELK takes seconds and, past a few thousand, overflows the stack. */
export const ELK_LIMIT = 2500;

/** ELK's layered layout where it copes; the banded layout for very big graphs or when ELK fails. */
export async function autoLayout(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
  direction: LayoutDirection,
): Promise<FlowNode[]> {
  if (nodes.length > ELK_LIMIT) return bandedLayout(nodes, edges, direction);
  try {
    return await layoutGraph(nodes, edges, direction);
  } catch {
    return bandedLayout(nodes, edges, direction);
  }
}
