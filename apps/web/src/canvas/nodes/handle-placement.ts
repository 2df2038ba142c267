import type { StateType } from "@sagaflow/shared";
import { type NodeHandle, Position } from "@xyflow/react";
import type { EdgeKind, FlowNode } from "../types";
import { nodeSize } from "../utils/node-size";

/** The exits each kind of state draws, in the order their handles sit. */
export const EXITS: Record<StateType | "branch", readonly EdgeKind[]> = {
  task: ["next", "catch", "compensation"],
  compensation: [],
  choice: ["choice", "otherwise"],
  parallel: ["next", "catch"],
  map: ["next", "catch"],
  wait: ["next"],
  signal: ["next", "timeout"],
  succeed: [],
  fail: [],
  branch: [],
};

/** Sizes in px, as the handles' classes draw them (h-3 / h-2.5). */
export const SOURCE_HANDLE = 12;
export const TARGET_HANDLE = 10;

/**
 * Where an exit sits: the main one continues the flow, the others leave sideways, spread along the
 * side (`percent` of its length from the start).
 */
export function exitPlacement(
  kind: EdgeKind,
  lr: boolean,
  exits: readonly EdgeKind[],
): { position: Position; percent?: number } {
  if (kind === "next" || kind === "choice") return { position: lr ? Position.Right : Position.Bottom };
  const side = exits.filter((k) => k !== "next" && k !== "choice");
  const slot = side.indexOf(kind);
  const percent = side.length === 1 ? 50 : 30 + (slot * 40) / Math.max(1, side.length - 1);
  return { position: lr ? Position.Bottom : Position.Right, percent };
}

/** The way in: from the previous state, or (compensation states) from the side their task is on. */
export const entryPosition = (lr: boolean, compensationTarget: boolean): Position =>
  compensationTarget ? (lr ? Position.Top : Position.Left) : lr ? Position.Left : Position.Top;

/** A card's border: handles are placed inside it. */
const BORDER = 1;

/** Top-left corner of a handle of `size` centred on a point `fraction` along a side of a w×h card. */
function corner(position: Position, fraction: number, w: number, h: number, size: number) {
  const half = size / 2;
  const along = (length: number) => BORDER + fraction * (length - 2 * BORDER) - half;
  switch (position) {
    case Position.Left:
      return { x: BORDER - half, y: along(h) };
    case Position.Right:
      return { x: w - BORDER - half, y: along(h) };
    case Position.Top:
      return { x: along(w), y: BORDER - half };
    default:
      return { x: along(w), y: h - BORDER - half };
  }
}

/** How tall a card is drawn: with a row of badges (tasks, compensations, signals, choices with branches) or without. */
function cardHeight(node: FlowNode): number {
  const { state } = node.data as { state?: { type: string; choices?: unknown[] } };
  const badges =
    node.type === "task" ||
    node.type === "compensation" ||
    node.type === "signal" ||
    (node.type === "choice" && (state?.choices?.length ?? 0) > 0);
  return badges ? 89 : 58;
}

/**
 * The handles a node will have once drawn, computed from its declared size. React Flow draws every
 * node it has no handle bounds for, visible or not, just to measure it: handing it these lets it draw
 * only what is on screen (10,000 states open without mounting 10,000 cards). A drawn node is measured
 * and its real handles replace these.
 */
export function estimatedHandles(node: FlowNode, lr: boolean): NodeHandle[] {
  if (node.type === "branch") return [];
  const size = nodeSize(node);
  const container = node.type === "parallel" || node.type === "map";
  const width = size.width;
  const height = container || node.measured?.height ? size.height : cardHeight(node);
  const exits = EXITS[node.type];
  const compensationTarget = node.type === "compensation";
  const entry = entryPosition(lr, compensationTarget);
  const handles: NodeHandle[] = [
    {
      id: compensationTarget ? "compensation" : "in",
      type: "target",
      position: entry,
      width: TARGET_HANDLE,
      height: TARGET_HANDLE,
      ...corner(entry, 0.5, width, height, TARGET_HANDLE),
    },
  ];
  for (const kind of exits) {
    const { position, percent = 50 } = exitPlacement(kind, lr, exits);
    handles.push({
      id: kind,
      type: "source",
      position,
      width: SOURCE_HANDLE,
      height: SOURCE_HANDLE,
      ...corner(position, percent / 100, width, height, SOURCE_HANDLE),
    });
  }
  return handles;
}
