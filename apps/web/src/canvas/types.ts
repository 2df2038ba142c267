import type { Definition, State, StateType } from "@sagaflow/shared";
import type { Edge, Node } from "@xyflow/react";

/**
 * The canvas model. A node per state (its full definition in `data.state`, so nothing is lost while a
 * reference dangles) plus a group node per parallel branch. Edges are *derived* from the states'
 * transition fields (see utils/derive-edges.ts), never edited on their own.
 */
export interface StateNodeData extends Record<string, unknown> {
  stateId: string;
  /** The state as written; parallel branches and map iterators keep `startAt` with `states: {}` — their states are child nodes. */
  state: State;
}
export interface BranchNodeData extends Record<string, unknown> {
  parallelId: string;
  branch: string;
}
export type StateNode = Node<StateNodeData, StateType>;
export type BranchNode = Node<BranchNodeData, "branch">;
export type FlowNode = StateNode | BranchNode;

export type EdgeKind = "next" | "choice" | "otherwise" | "catch" | "compensation" | "timeout";
export interface TransitionEdgeData extends Record<string, unknown> {
  kind: EdgeKind;
  /** Position in `choices` or `catch`. */
  index?: number;
  label?: string;
}
export type FlowEdge = Edge<TransitionEdgeData, "transition">;

/** The definition minus its states and layout: what the canvas does not draw. */
export type DefinitionMeta = Omit<Definition, "states" | "layout">;

export interface Graph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  meta: DefinitionMeta;
}

export const isStateNode = (node: FlowNode): node is StateNode => node.type !== "branch";
export const isBranchNode = (node: FlowNode): node is BranchNode => node.type === "branch";
export const branchNodeId = (parallelId: string, branch: string): string => `${parallelId}.${branch}`;
