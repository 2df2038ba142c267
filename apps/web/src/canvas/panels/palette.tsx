import type { StateType } from "@sagaflow/shared";
import { memo } from "react";
import { StateIcon } from "../nodes/state-icon";
import { PALETTE_ORDER, STATE_STYLES } from "../nodes/state-style";

export const DRAG_MIME = "application/x-sagaflow-state";

/** State types to drag onto the canvas (or click to drop one in the middle of the view). */
export const Palette = memo(function Palette({ onAdd }: { onAdd: (type: StateType) => void }) {
  return (
    <aside
      className="flex w-[188px] shrink-0 flex-col gap-1 overflow-y-auto border-slate-200 border-r bg-white p-3 max-xl:w-[60px] max-xl:p-2"
      data-testid="palette"
    >
      <div className="px-1 pb-1 font-semibold text-[11px] text-slate-400 uppercase tracking-wider max-xl:sr-only">
        States
      </div>
      {PALETTE_ORDER.map((type) => {
        const style = STATE_STYLES[type];
        return (
          <button
            key={type}
            type="button"
            draggable
            data-palette={type}
            title={`${style.hint} — drag onto the canvas, or click to add it after the selected state`}
            onDragStart={(event) => {
              event.dataTransfer.setData(DRAG_MIME, type);
              event.dataTransfer.effectAllowed = "move";
            }}
            onClick={() => onAdd(type)}
            className="group flex cursor-grab items-center gap-2.5 rounded-lg border border-transparent px-2 py-1.5 text-left transition hover:border-slate-200 hover:bg-slate-50 active:cursor-grabbing"
          >
            <span
              className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-lg text-[13px] shadow-sm ${style.chip}`}
            >
              <StateIcon type={type} />
            </span>
            {/* Narrow screens: icons only (the names stay for screen readers and in the tooltip). */}
            <span className="min-w-0 max-xl:sr-only">
              <span className="block font-medium text-[13px] text-slate-700">{style.label}</span>
              <span className="block truncate text-[10.5px] text-slate-400">{style.hint}</span>
            </span>
          </button>
        );
      })}
      <div className="mt-auto space-y-1.5 rounded-lg bg-slate-50 p-2.5 text-[10.5px] text-slate-500 leading-snug max-xl:hidden">
        <div className="font-semibold text-slate-600">Connect by handle</div>
        <Legend color="bg-slate-500" text="next" />
        <Legend color="bg-amber-500" text="choice branch" />
        <Legend color="bg-rose-500" text="catch an error" />
        <Legend color="bg-violet-500" text="compensate with" />
        <Legend color="bg-orange-500" text="signal timeout" />
      </div>
    </aside>
  );
});

function Legend({ color, text }: { color: string; text: string }) {
  return (
    <div className="flex items-center gap-1.5">
      <span className={`h-2.5 w-2.5 rounded-full ${color}`} />
      {text}
    </div>
  );
}
