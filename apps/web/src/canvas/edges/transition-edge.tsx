import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath, getSmoothStepPath } from "@xyflow/react";
import { memo } from "react";
import { useEditor, useEditorStore } from "../store/editor-context";
import { useDimUnreached, useEdgeRun } from "../store/run-overlay";
import type { FlowEdge } from "../types";
import { EDGE_STYLE, markerId } from "./edge-style";

/** Every transition: styled by its kind, labelled when the kind carries words, marked when invalid. */
export const TransitionEdge = memo(function TransitionEdge(props: EdgeProps<FlowEdge>) {
  const { id, data, selected, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition } = props;
  const kind = data?.kind ?? "next";
  const style = EDGE_STYLE[kind];
  const store = useEditorStore();
  const marker = useEditor((s) => s.edgeMarkers[id]);
  const run = useEdgeRun(id);
  const dimUnreached = useDimUnreached();

  const [path, labelX, labelY] =
    kind === "compensation"
      ? getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })
      : getSmoothStepPath({
          sourceX,
          sourceY,
          targetX,
          targetY,
          sourcePosition,
          targetPosition,
          borderRadius: 14,
          offset: 24,
        });

  const taken = run?.taken === true;
  const compensating = run?.compensationOrder !== undefined;
  const dim = dimUnreached && !taken && !compensating;
  const stroke =
    marker?.severity === "error" ? "#f43f5e" : taken ? "#4f46e5" : selected ? "#6366f1" : style.stroke;
  const width = taken || compensating ? 3 : selected ? style.width + 1 : style.width;
  const label = data?.label && kind !== "next" && kind !== "compensation" ? data.label : undefined;

  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={`url(#${markerId(taken ? "taken" : selected ? "selected" : kind)})`}
        interactionWidth={16}
        style={{
          stroke,
          strokeWidth: width,
          strokeDasharray: style.dash,
          opacity: dim ? 0.25 : 1,
          transition: "stroke 150ms, opacity 150ms",
        }}
        className={compensating && run?.compensationPhase === "running" ? "sf-edge-flow" : undefined}
      />
      {(label || compensating || marker) && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className="nodrag nopan pointer-events-auto absolute flex cursor-pointer items-center gap-1"
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
              opacity: dim ? 0.35 : 1,
            }}
            data-edge-label={id}
            onClick={() => store.getState().selectEdge(id)}
            tabIndex={-1}
          >
            {compensating && (
              <span
                className={`flex h-5 w-5 items-center justify-center rounded-full font-bold text-[10px] text-white shadow ${run?.compensationPhase === "failed" ? "bg-rose-600" : "bg-violet-600"}`}
              >
                {run?.compensationOrder}
              </span>
            )}
            {label && (
              <span
                title={label}
                className={`max-w-[180px] truncate rounded-md border px-1.5 py-px font-medium text-[10px] shadow-sm ${style.label} ${selected ? "ring-1 ring-indigo-400" : ""}`}
              >
                {label}
              </span>
            )}
            {marker && (
              <span
                title={marker.message}
                className="flex h-4 w-4 items-center justify-center rounded-full bg-rose-500 font-bold text-[9px] text-white"
              >
                !
              </span>
            )}
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
