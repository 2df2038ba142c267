import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { ContainerFrame } from "../container-frame";

export const MapNode = memo(function MapNode({ id, data, selected }: NodeProps<StateNode>) {
  const state = data.state;
  if (state.type !== "map") return null;
  const items =
    typeof state.items === "string"
      ? state.items.replace(/^\{%\s*|\s*%\}$/g, "")
      : `${state.items.length} items`;
  return (
    <ContainerFrame
      id={id}
      type="map"
      selected={selected}
      subtitle={
        <>
          each of <span className="font-mono">{items}</span>
          {state.maxConcurrency && state.maxConcurrency > 1 ? ` · ${state.maxConcurrency} at once` : ""}
        </>
      }
    />
  );
});
