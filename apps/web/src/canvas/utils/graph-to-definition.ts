import type { Definition, Layout, State } from "@sagaflow/shared";
import type { DefinitionMeta, FlowNode, StateNode } from "../types";
import { branchNodeId, isStateNode } from "../types";

const round = (value: number): number => Math.round(value);

/** React Flow nodes → definition. Pure; states keep the order of the nodes array. */
export function graphToDefinition(nodes: readonly FlowNode[], meta: DefinitionMeta): Definition {
  const children = new Map<string | undefined, StateNode[]>();
  for (const node of nodes) {
    if (!isStateNode(node)) continue;
    const list = children.get(node.parentId) ?? [];
    list.push(node);
    children.set(node.parentId, list);
  }

  const build = (parentId: string | undefined): Record<string, State> => {
    const states: Record<string, State> = {};
    for (const node of children.get(parentId) ?? []) {
      const state = node.data.state;
      if (state.type === "parallel") {
        const branches = Object.fromEntries(
          Object.entries(state.branches).map(([name, branch]) => [
            name,
            { startAt: branch.startAt, states: build(branchNodeId(node.id, name)) },
          ]),
        );
        states[node.id] = { ...state, branches };
      } else if (state.type === "map") {
        states[node.id] = { ...state, iterator: { startAt: state.iterator.startAt, states: build(node.id) } };
      } else {
        states[node.id] = state;
      }
    }
    return states;
  };

  const layout: Layout = {};
  for (const node of nodes) {
    const entry: Layout[string] = { x: round(node.position.x), y: round(node.position.y) };
    if (node.type === "parallel" || node.type === "map" || node.type === "branch") {
      const width = node.width ?? node.measured?.width;
      const height = node.height ?? node.measured?.height;
      if (width) entry.width = round(width);
      if (height) entry.height = round(height);
    }
    layout[node.id] = entry;
  }

  // An emptied title or description is no title: the definition leaves it out rather than keep "".
  const { title, description, ...rest } = meta;
  return {
    ...rest,
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    states: build(undefined),
    layout,
  };
}
