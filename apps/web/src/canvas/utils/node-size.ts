import type { FlowNode } from "../types";

/** Sizes the layout assumes before React Flow has measured a node (state nodes have a fixed width). */
export const STATE_WIDTH = 232;
export const STATE_HEIGHT = 72;
export const CONTAINER_PADDING = { top: 56, side: 20, bottom: 20 };
export const EMPTY_CONTAINER = { width: 300, height: 160 };
export const EMPTY_BRANCH = { width: 260, height: 130 };

export function nodeSize(node: FlowNode): { width: number; height: number } {
  const width = node.width ?? node.measured?.width;
  const height = node.height ?? node.measured?.height;
  if (node.type === "parallel" || node.type === "map") {
    return { width: width ?? EMPTY_CONTAINER.width, height: height ?? EMPTY_CONTAINER.height };
  }
  if (node.type === "branch")
    return { width: width ?? EMPTY_BRANCH.width, height: height ?? EMPTY_BRANCH.height };
  return { width: width ?? STATE_WIDTH, height: height ?? STATE_HEIGHT };
}

export const isContainerType = (type: string | undefined): boolean =>
  type === "parallel" || type === "map" || type === "branch";
