import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { StateCard } from "../state-card";

export const SucceedNode = memo(function SucceedNode({ id, data, selected }: NodeProps<StateNode>) {
  const hasOutput = data.state.type === "succeed" && data.state.output !== undefined;
  return (
    <StateCard
      id={id}
      type="succeed"
      selected={selected}
      exits={[]}
      subtitle={hasOutput ? "Succeeds with an output" : "Succeeds"}
    />
  );
});
