import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { EXITS as STATE_EXITS } from "../handle-placement";
import { StateCard } from "../state-card";

const EXITS = STATE_EXITS.wait;

export const WaitNode = memo(function WaitNode({ id, data, selected }: NodeProps<StateNode>) {
  const state = data.state;
  if (state.type !== "wait") return null;
  const what =
    state.duration !== undefined
      ? `for ${String(state.duration)}`
      : state.until
        ? `until ${state.until}`
        : "no duration set";
  return <StateCard id={id} type="wait" selected={selected} exits={EXITS} subtitle={`Wait ${what}`} />;
});
