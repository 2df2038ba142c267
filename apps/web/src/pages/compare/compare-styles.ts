import type { DefinitionDiff } from "@sagaflow/engine/core";
import type { FlowEdge } from "../../canvas/types";

/** The colours of a comparison: added green, removed red, changed amber (the legend says the same). */
export const DIFF_COLOURS = { added: "#16a34a", removed: "#dc2626", changed: "#d97706" } as const;

/**
 * CSS that colours the compared canvas: each state by its change, and each edge drawn between two states
 * by whether it was added or removed. Pure, from the diff and the canvas's edges, so the canvas code
 * needs no notion of a comparison (as run mode draws over the graph from its own overlay).
 */
export function compareCss(scope: string, diff: DefinitionDiff, edges: readonly FlowEdge[]): string {
  const rules: string[] = [];
  for (const state of diff.states) {
    const colour = DIFF_COLOURS[state.change];
    rules.push(
      `${scope} .react-flow__node[data-id="${CSS.escape(state.stateId)}"] { outline: 3px solid ${colour}; outline-offset: 3px; border-radius: 12px; }`,
    );
  }
  for (const change of diff.edges) {
    const colour = change.change === "added" ? DIFF_COLOURS.added : DIFF_COLOURS.removed;
    for (const edge of edges) {
      if (edge.source !== change.from || edge.target !== change.to) continue;
      rules.push(
        `${scope} .react-flow__edge[data-id="${CSS.escape(edge.id)}"] path { stroke: ${colour} !important; stroke-width: 3px !important; }`,
      );
    }
  }
  return rules.join("\n");
}
