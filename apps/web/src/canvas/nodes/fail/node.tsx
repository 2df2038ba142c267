import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { Pill, StateCard } from "../state-card";

export const FailNode = memo(function FailNode({ id, data, selected }: NodeProps<StateNode>) {
  const state = data.state;
  if (state.type !== "fail") return null;
  return (
    <StateCard
      id={id}
      type="fail"
      selected={selected}
      exits={[]}
      subtitle={<span className="font-mono">{state.error ?? "Failed"}</span>}
      badges={state.compensate === false ? <Pill tone="rose">no compensation</Pill> : undefined}
    />
  );
});
