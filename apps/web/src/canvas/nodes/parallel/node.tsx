import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { ContainerFrame } from "../container-frame";

export const ParallelNode = memo(function ParallelNode({ id, data, selected }: NodeProps<StateNode>) {
  const n = data.state.type === "parallel" ? Object.keys(data.state.branches).length : 0;
  return (
    <ContainerFrame id={id} type="parallel" selected={selected} subtitle={`${n} branches run together`} />
  );
});
