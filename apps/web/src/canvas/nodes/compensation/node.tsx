import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { Pill, StateCard } from "../state-card";

export const CompensationNode = memo(function CompensationNode({ id, data, selected }: NodeProps<StateNode>) {
  const state = data.state;
  if (state.type !== "compensation") return null;
  const attempts = state.retry?.maxAttempts ?? 5;
  return (
    <StateCard
      id={id}
      type="compensation"
      selected={selected}
      exits={[]}
      compensationTarget
      subtitle={<span className="font-mono">{state.action}</span>}
      badges={<Pill tone="violet">retry ×{attempts}</Pill>}
    />
  );
});
