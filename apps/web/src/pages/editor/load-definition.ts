import type { Definition } from "@sagaflow/shared";
import type { Graph } from "../../canvas/types";
import { autoLayout } from "../../canvas/utils/auto-layout";
import { definitionToGraph } from "../../canvas/utils/definition-to-graph";

/** A definition ready for the canvas: laid out automatically when it has no saved positions. */
export async function graphForDefinition(definition: Definition): Promise<Graph> {
  const graph = definitionToGraph(definition);
  if (!graph.needsLayout || graph.nodes.length === 0) return graph;
  return { ...graph, nodes: await autoLayout(graph.nodes, graph.edges, "LR") };
}

export const blankDefinition = (name: string): Definition => ({ name, startAt: "", states: {} });
