import type { FlowEdge, FlowNode } from "../types";
import { inWorker } from "../worker/in-worker";
import { type LayoutDirection, layoutGraph } from "./elk-layout";

/** Above this many nodes ELK takes seconds and, past a few thousand, overflows the stack. */
export const ELK_LIMIT = 2500;

/**
 * ELK's layered layout where it copes; the banded layout for very big graphs or when ELK fails. Both
 * run in a web worker (ELK in its own), so the page stays responsive while a big graph is laid out.
 */
export async function autoLayout(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
  direction: LayoutDirection,
): Promise<FlowNode[]> {
  const banded = () => inWorker({ type: "layout", nodes: [...nodes], edges: [...edges], direction });
  if (nodes.length > ELK_LIMIT) return banded();
  try {
    return await layoutGraph(nodes, edges, direction);
  } catch {
    return banded();
  }
}
