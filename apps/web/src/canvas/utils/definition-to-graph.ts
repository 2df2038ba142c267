import type { Definition, State } from "@sagaflow/shared";
import type { DefinitionMeta, FlowNode, Graph } from "../types";
import { branchNodeId } from "../types";
import { deriveEdges } from "./derive-edges";
import { EMPTY_BRANCH, EMPTY_CONTAINER, STATE_HEIGHT, STATE_WIDTH } from "./node-size";

/** A state as the canvas keeps it: nested states become child nodes, so their maps stay empty here. */
export function withoutChildren(state: State): State {
  if (state.type === "parallel") {
    const branches = Object.fromEntries(
      Object.entries(state.branches).map(([name, branch]) => [name, { startAt: branch.startAt, states: {} }]),
    );
    return { ...state, branches };
  }
  if (state.type === "map") return { ...state, iterator: { startAt: state.iterator.startAt, states: {} } };
  return state;
}

export interface DefinitionGraph extends Graph {
  /** True when some node had no saved position: the caller should run the auto-layout. */
  needsLayout: boolean;
}

/** Definition → React Flow nodes and edges. Pure; parents always precede their children. */
export function definitionToGraph(definition: Definition): DefinitionGraph {
  const { states, layout = {}, ...meta } = definition;
  const nodes: FlowNode[] = [];
  let needsLayout = false;

  const place = (id: string) => {
    const saved = layout[id];
    if (!saved) needsLayout = true;
    return saved;
  };

  const walk = (scope: Record<string, State>, parentId: string | undefined) => {
    for (const [id, state] of Object.entries(scope)) {
      const saved = place(id);
      const isContainer = state.type === "parallel" || state.type === "map";
      nodes.push({
        id,
        type: state.type,
        position: { x: saved?.x ?? 0, y: saved?.y ?? 0 },
        data: { stateId: id, state: withoutChildren(state) },
        ...(parentId ? { parentId } : {}),
        ...(isContainer
          ? {
              width: saved?.width ?? EMPTY_CONTAINER.width,
              height: saved?.height ?? EMPTY_CONTAINER.height,
              zIndex: -1,
            }
          : // Until measured (only visible nodes render), fit-view and the minimap use this size.
            { initialWidth: STATE_WIDTH, initialHeight: STATE_HEIGHT }),
      });
      if (state.type === "parallel") {
        for (const [branch, machine] of Object.entries(state.branches)) {
          const groupId = branchNodeId(id, branch);
          const group = place(groupId);
          nodes.push({
            id: groupId,
            type: "branch",
            parentId: id,
            position: { x: group?.x ?? 0, y: group?.y ?? 0 },
            width: group?.width ?? EMPTY_BRANCH.width,
            height: group?.height ?? EMPTY_BRANCH.height,
            data: { parallelId: id, branch },
            draggable: false,
            deletable: false,
            selectable: false,
            zIndex: -1,
          });
          walk(machine.states, groupId);
        }
      }
      if (state.type === "map") walk(state.iterator.states, id);
    }
  };
  walk(states, undefined);
  return { nodes, edges: deriveEdges(nodes), meta: meta satisfies DefinitionMeta, needsLayout };
}
