import type { StateType } from "@sagaflow/shared";
import { useReactFlow } from "@xyflow/react";
import { STATE_STYLES } from "../nodes/state-style";
import { type FlowNode, isStateNode } from "../types";
import { SOURCE_HANDLES } from "../utils/connection-rules";
import { nodeSize } from "../utils/node-size";
import { StatePicker } from "./state-picker";

/** The state a keyboard "add after" hangs from, or why there is none. Pure. */
export function addAfterAnchor(nodes: readonly FlowNode[]): { id: string; exit: string } | { hint: string } {
  const selected = nodes.filter((n) => n.selected && isStateNode(n));
  if (selected.length !== 1 || !selected[0])
    return { hint: "Select one state, then press A to add a state after it." };
  const anchor = selected[0];
  const exit = (SOURCE_HANDLES[anchor.type ?? ""] ?? []).find((k) => k === "next" || k === "choice");
  if (!exit) {
    const label = STATE_STYLES[anchor.type as StateType]?.label ?? anchor.type;
    return { hint: `Nothing can follow a ${label} state: it has no way out.` };
  }
  return { id: anchor.id, exit };
}

const PICKER = { width: 208, height: 340 };

/**
 * The edge-drop picker, opened from the keyboard: beside the selected state's main exit, kept inside the
 * canvas. The picked state is added after it (linked, and in between if it already went somewhere).
 */
export function AddAfterPicker({
  anchor,
  exit,
  onPick,
  onClose,
}: {
  anchor: string;
  exit: string;
  onPick: (type: StateType) => void;
  onClose: () => void;
}) {
  const flow = useReactFlow<FlowNode>();
  const node = flow.getInternalNode(anchor);
  const canvas = document.querySelector("[data-testid=canvas]")?.getBoundingClientRect();
  if (!node || !canvas) return null;
  const { width, height } = nodeSize(node.internals.userNode);
  const { x, y } = node.internals.positionAbsolute;
  const corner = flow.flowToScreenPosition({ x: x + width, y: y + height / 2 });
  const at = {
    x: Math.max(8, Math.min(corner.x - canvas.left + 16, canvas.width - PICKER.width - 8)),
    y: Math.max(8, Math.min(corner.y - canvas.top - 24, canvas.height - PICKER.height - 8)),
  };
  return <StatePicker at={at} handle={exit} onPick={onPick} onClose={onClose} />;
}
