import type { StateType } from "@sagaflow/shared";
import { memo, type ReactNode } from "react";
import { useEditor } from "../store/editor-context";
import { type NodeRunStatus, useDimUnreached, useNodeRun } from "../store/run-overlay";
import type { EdgeKind } from "../types";
import { PauseGlyph } from "./glyphs";
import { StateHandles } from "./handles";
import { StartBadge } from "./start-badge";
import { StateIcon } from "./state-icon";
import { STATE_STYLES } from "./state-style";

interface StateCardProps {
  id: string;
  type: StateType;
  selected: boolean;
  /** One line under the id: the action, the condition count, the duration… */
  subtitle?: ReactNode;
  /** Small pills for key settings (retry, timeout, compensation). */
  badges?: ReactNode;
  exits: readonly EdgeKind[];
  compensationTarget?: boolean;
}

// No endless pulse: it repaints the whole canvas every frame. Run mode pings a state once as it starts (run-view.css).
const RUN_RING: Record<NodeRunStatus["phase"], string> = {
  pending: "",
  active: "ring-4 ring-sky-400/70",
  waiting: "ring-4 ring-amber-300",
  succeeded: "ring-2 ring-emerald-400",
  warned: "ring-2 ring-amber-400",
  failed: "ring-4 ring-rose-500",
  compensating: "ring-4 ring-violet-400",
  compensated: "ring-2 ring-violet-400",
  compensation_failed: "ring-4 ring-rose-600",
  skipped: "",
};
const RUN_ICON: Record<NodeRunStatus["phase"], ReactNode> = {
  pending: "",
  active: "●",
  waiting: <PauseGlyph label="waiting" />,
  succeeded: "✓",
  warned: "!",
  failed: "✕",
  compensating: "↩",
  compensated: "↩",
  compensation_failed: "✕",
  skipped: "",
};
const RUN_ICON_COLOR: Record<NodeRunStatus["phase"], string> = {
  pending: "",
  active: "bg-sky-500",
  waiting: "bg-amber-400",
  succeeded: "bg-emerald-500",
  warned: "bg-amber-500",
  failed: "bg-rose-500",
  compensating: "bg-violet-500",
  compensated: "bg-violet-500",
  compensation_failed: "bg-rose-600",
  skipped: "bg-slate-300",
};

const formatMs = (ms: number) =>
  ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.round(ms / 60_000)} min`;

/** The card every plain state is drawn as; it subscribes to its own marker, start flag and run status only. */
export const StateCard = memo(function StateCard({
  id,
  type,
  selected,
  subtitle,
  badges,
  exits,
  compensationTarget,
}: StateCardProps) {
  const style = STATE_STYLES[type];
  const marker = useEditor((s) => s.nodeMarkers[id]);
  const run = useNodeRun(id);
  const dim = useDimUnreached() && (!run || run.phase === "pending" || run.phase === "skipped");

  const ring =
    run && run.phase !== "pending"
      ? RUN_RING[run.phase]
      : selected
        ? "ring-2 ring-indigo-500"
        : marker?.severity === "error"
          ? "ring-2 ring-rose-400"
          : marker
            ? "ring-2 ring-amber-300"
            : "";
  return (
    <div
      data-state-id={id}
      data-marker={marker?.severity}
      data-run-phase={run?.phase}
      className={`group relative w-[232px] rounded-xl border bg-white shadow-sm transition-[box-shadow,opacity] ${type === "compensation" ? "border-dashed border-violet-300" : "border-slate-200"} ${ring} hover:shadow-md`}
    >
      {dim && <DimVeil className="rounded-xl" />}
      <StartBadge id={id} />
      {marker && (
        <div
          title={marker.count > 1 ? `${marker.message} (+${marker.count - 1} more)` : marker.message}
          className={`-top-2 -right-2 absolute flex h-5 min-w-5 items-center justify-center rounded-full px-1 font-bold text-[11px] text-white shadow ${marker.severity === "error" ? "bg-rose-500" : "bg-amber-400"}`}
        >
          {marker.count > 1 ? marker.count : "!"}
        </div>
      )}
      <div className="flex items-start gap-2.5 p-2.5">
        <div className={`flex h-8 w-8 shrink-0 items-center justify-center rounded-lg text-sm ${style.chip}`}>
          <StateIcon type={type} />
        </div>
        <div className="min-w-0 flex-1">
          <div className="truncate font-semibold text-[13px] text-slate-800" title={id}>
            {id}
          </div>
          <div className="truncate text-[11px] text-slate-500">{subtitle ?? style.label}</div>
        </div>
        {run && run.phase !== "pending" && run.phase !== "skipped" && (
          <div
            className={`flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-[10px] text-white ${RUN_ICON_COLOR[run.phase]}`}
          >
            {run.compensationOrder ?? RUN_ICON[run.phase]}
          </div>
        )}
      </div>
      {(badges || (run && (run.attempts || run.durationMs !== undefined))) && (
        <div className="flex flex-wrap items-center gap-1 border-slate-100 border-t px-2.5 py-1.5">
          {badges}
          {run?.attempts !== undefined && run.attempts > 1 && (
            <Pill tone="amber">{run.attempts} attempts</Pill>
          )}
          {run?.durationMs !== undefined && <Pill tone="slate">{formatMs(run.durationMs)}</Pill>}
        </div>
      )}
      <StateHandles exits={exits} compensationTarget={compensationTarget} />
    </div>
  );
});

/**
 * Dims a state the run has not reached. A white veil, not `opacity`: opacity gives each card an effect node
 * of its own, and every card that turns on or off made Chromium re-layerize the whole canvas (~17 ms a
 * frame at 200 states; issue 14, live latency). The veil is paint only.
 */
export function DimVeil({ className }: { className: string }) {
  return <div aria-hidden className={`pointer-events-none absolute inset-0 z-10 bg-white/60 ${className}`} />;
}

const PILL_TONES = {
  slate: "bg-slate-100 text-slate-600",
  indigo: "bg-indigo-50 text-indigo-700",
  violet: "bg-violet-50 text-violet-700",
  amber: "bg-amber-50 text-amber-700",
  rose: "bg-rose-50 text-rose-700",
  emerald: "bg-emerald-50 text-emerald-700",
} as const;

export function Pill({ tone = "slate", children }: { tone?: keyof typeof PILL_TONES; children: ReactNode }) {
  return (
    <span className={`rounded-md px-1.5 py-px font-medium text-[10px] ${PILL_TONES[tone]}`}>{children}</span>
  );
}
