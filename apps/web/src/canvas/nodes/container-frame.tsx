import type { StateType } from "@sagaflow/shared";
import { NodeResizer } from "@xyflow/react";
import { memo, type ReactNode } from "react";
import { useEditor, useEditorStore } from "../store/editor-context";
import { useDimUnreached, useNodeRun } from "../store/run-overlay";
import { EXITS } from "./handle-placement";
import { StateHandles } from "./handles";
import { StartBadge } from "./start-badge";
import { DimVeil } from "./state-card";
import { StateIcon } from "./state-icon";
import { STATE_STYLES } from "./state-style";

interface ContainerFrameProps {
  id: string;
  type: Extract<StateType, "parallel" | "map">;
  selected: boolean;
  subtitle: ReactNode;
}

/** Parallel and map: a frame holding its own states (child nodes); resizable while designing. */
export const ContainerFrame = memo(function ContainerFrame({
  id,
  type,
  selected,
  subtitle,
}: ContainerFrameProps) {
  const style = STATE_STYLES[type];
  const store = useEditorStore();
  const marker = useEditor((s) => s.nodeMarkers[id]);
  const readOnly = useEditor((s) => s.readOnly);
  const run = useNodeRun(id);
  const dim = useDimUnreached() && (!run || run.phase === "pending");
  const ring = selected
    ? "ring-2 ring-indigo-500"
    : marker?.severity === "error"
      ? "ring-2 ring-rose-400"
      : "";
  const border = type === "parallel" ? "border-teal-300" : "border-sky-300";
  return (
    <div
      data-state-id={id}
      data-marker={marker?.severity}
      data-run-phase={run?.phase}
      className={`relative h-full w-full rounded-2xl border-2 ${border} ${style.soft} ${ring}`}
    >
      {dim && <DimVeil className="rounded-2xl" />}
      {!readOnly && (
        <NodeResizer
          isVisible={selected}
          minWidth={200}
          minHeight={120}
          lineClassName="!border-indigo-300"
          handleClassName="!h-2 !w-2 !rounded-sm !border-indigo-400 !bg-white"
          onResizeStart={() => store.getState().beginGesture()}
          onResizeEnd={() => store.getState().endGesture()}
        />
      )}
      <StartBadge id={id} />
      {marker && (
        <div
          title={marker.message}
          className={`-top-2 -right-2 absolute flex h-5 w-5 items-center justify-center rounded-full font-bold text-[11px] text-white shadow ${marker.severity === "error" ? "bg-rose-500" : "bg-amber-400"}`}
        >
          !
        </div>
      )}
      <div className="flex items-center gap-2 px-3 pt-2.5">
        <div className={`flex h-6 w-6 items-center justify-center rounded-md text-xs ${style.chip}`}>
          <StateIcon type={type} className="h-3.5 w-3.5" />
        </div>
        <div className="truncate font-semibold text-[13px] text-slate-800">{id}</div>
        <div className="truncate text-[11px] text-slate-500">{subtitle}</div>
      </div>
      <StateHandles exits={EXITS[type]} />
    </div>
  );
});
