import { Handle, Position, useNodeId, useUpdateNodeInternals } from "@xyflow/react";
import { memo, useEffect, useRef } from "react";
import { useEditor } from "../store/editor-context";
import type { EdgeKind } from "../types";
import { entryPosition, exitPlacement } from "./handle-placement";

const HANDLE_COLOR: Record<EdgeKind, string> = {
  next: "!bg-slate-500",
  choice: "!bg-amber-500",
  otherwise: "!bg-slate-400",
  catch: "!bg-rose-500",
  compensation: "!bg-violet-500",
  timeout: "!bg-orange-500",
};
const HANDLE_TITLE: Record<EdgeKind, string> = {
  next: "Next: drag to the state that follows",
  choice: "Branch: drag to add a condition",
  otherwise: "Otherwise: where to go when no condition holds",
  catch: "Catch: where to go when this fails",
  compensation: "Compensate with: drag to a compensation state",
  timeout: "On timeout: where to go when nobody answers",
};

interface HandlesProps {
  exits: readonly EdgeKind[];
  /** Compensation states take only compensation links, from the side their task is on. */
  compensationTarget?: boolean;
  target?: boolean;
}

export const StateHandles = memo(function StateHandles({
  exits,
  compensationTarget,
  target = true,
}: HandlesProps) {
  const lr = useEditor((s) => s.direction === "LR");
  const readOnly = useEditor((s) => s.readOnly);
  // React Flow measures handles once; when the flow turns, it must measure them again.
  const nodeId = useNodeId();
  const updateNodeInternals = useUpdateNodeInternals();
  const firstRender = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the direction is the trigger
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (nodeId) updateNodeInternals(nodeId);
  }, [lr, nodeId, updateNodeInternals]);
  const hidden = readOnly ? "!opacity-0 !pointer-events-none" : "";
  return (
    <>
      {target && (
        <Handle
          type="target"
          id={compensationTarget ? "compensation" : "in"}
          position={entryPosition(lr, Boolean(compensationTarget))}
          className={`!h-2.5 !w-2.5 !border-2 !border-white ${compensationTarget ? "!bg-violet-400" : "!bg-slate-400"} ${hidden}`}
        />
      )}
      {exits.map((kind) => {
        const { position, percent } = exitPlacement(kind, lr, exits);
        const offset = percent === undefined ? undefined : `${percent}%`;
        const vertical = position === Position.Bottom || position === Position.Top;
        return (
          <Handle
            key={kind}
            type="source"
            id={kind}
            title={HANDLE_TITLE[kind]}
            position={position}
            style={offset ? (vertical ? { left: offset } : { top: offset }) : undefined}
            className={`!h-3 !w-3 !border-2 !border-white ${HANDLE_COLOR[kind]} transition-transform hover:scale-150 ${hidden}`}
          />
        );
      })}
    </>
  );
});
