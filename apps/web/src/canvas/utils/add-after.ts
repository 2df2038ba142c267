import type { State, StateType } from "@sagaflow/shared";
import { type FlowNode, isStateNode } from "../types";
import { planConnection, SOURCE_HANDLES } from "./connection-rules";
import type { LayoutDirection } from "./elk-layout";
import { addState, type GraphModel, updateState } from "./graph-ops";
import { nodeSize } from "./node-size";

const GAP = 80;
const SIDE_GAP = 48;

/** The exit a new state hangs from: a task's compensation link for a compensation, else the main exit. */
function exitFor(anchor: FlowNode, type: StateType): string | undefined {
  const handles = SOURCE_HANDLES[anchor.type ?? ""] ?? [];
  if (type === "compensation") return handles.includes("compensation") ? "compensation" : undefined;
  return handles.find((h) => h === "next" || h === "choice");
}

const overlaps = (a: FlowNode, box: { x: number; y: number; width: number; height: number }) => {
  const size = nodeSize(a);
  return (
    a.position.x < box.x + box.width &&
    box.x < a.position.x + size.width &&
    a.position.y < box.y + box.height &&
    box.y < a.position.y + size.height
  );
};

/**
 * n8n's "add after": a state added while another is selected goes next to it, in its scope, linked from
 * its main exit (a compensation hangs under its task instead). If the anchor already went somewhere,
 * the new state is put in between. Nothing is moved; the new state steps aside from states in its way.
 */
export function addAfter(
  model: GraphModel,
  type: StateType,
  anchorId: string,
  direction: LayoutDirection,
): { model: GraphModel; id: string } {
  const anchor = model.nodes.find((n) => n.id === anchorId);
  if (!anchor || !isStateNode(anchor)) throw new Error(`no state ${anchorId}`);
  const size = nodeSize(anchor);
  const exit = exitFor(anchor, type);
  const aside = exit === "compensation";
  // Along the flow for a next state; across it (under a task read left to right) for its compensation.
  const alongX = (direction === "LR") !== aside;
  const box = {
    x: anchor.position.x + (alongX ? size.width + (aside ? SIDE_GAP : GAP) : 0),
    y: anchor.position.y + (alongX ? 0 : size.height + (aside ? SIDE_GAP : GAP)),
    width: size.width,
    height: size.height,
  };
  const siblings = model.nodes.filter((n) => n.parentId === anchor.parentId && n.id !== anchor.id);
  for (let tries = 0; tries < 50 && siblings.some((n) => overlaps(n, box)); tries++) {
    if (alongX) box.y += size.height + 40;
    else box.x += size.width + 40;
  }
  const added = addState(model, type, { x: box.x, y: box.y }, anchor.parentId);
  if (!exit) return added;
  const before = anchor.data.state as State & { next?: string };
  const verdict = planConnection(added.model.nodes, {
    source: anchor.id,
    target: added.id,
    sourceHandle: exit,
  });
  if (!verdict.ok) return added;
  let nodes = updateState(added.model.nodes, anchor.id, verdict.state);
  // In between: the new state takes over where the anchor used to go.
  const created = nodes.find((n) => n.id === added.id);
  const canGoOn = (SOURCE_HANDLES[type] ?? []).includes("next");
  if (exit === "next" && before.next && canGoOn && created && isStateNode(created)) {
    nodes = updateState(nodes, added.id, { ...created.data.state, next: before.next } as State);
  }
  return { model: { ...added.model, nodes }, id: added.id };
}
