import type { FlowEdge, FlowNode } from "../types";
import type { LayoutDirection } from "./elk-layout";

/**
 * Which way a saved layout reads: most `next` transitions go right (LR) or down (TB). The handles
 * follow it, so a reloaded top-down workflow keeps its edges tidy.
 */
export function guessDirection(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): LayoutDirection {
  const at = new Map(nodes.map((n) => [n.id, n.position]));
  let right = 0;
  let down = 0;
  for (const edge of edges) {
    if (edge.data?.kind !== "next") continue;
    const from = at.get(edge.source);
    const to = at.get(edge.target);
    if (!from || !to) continue;
    if (Math.abs(to.x - from.x) >= Math.abs(to.y - from.y)) right++;
    else down++;
  }
  return down > right ? "TB" : "LR";
}
