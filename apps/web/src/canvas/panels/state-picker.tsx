import type { StateType } from "@sagaflow/shared";
import { type FocusEvent, type KeyboardEvent as ReactKeyboardEvent, useEffect, useRef } from "react";
import { StateIcon } from "../nodes/state-icon";
import { PALETTE_ORDER, STATE_STYLES } from "../nodes/state-style";

/** A menu's arrow keys (WAI-ARIA menu): Up/Down move between the items and wrap, Home/End jump. */
function moveFocus(event: ReactKeyboardEvent<HTMLDivElement>) {
  const items = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
  const at = items.indexOf(document.activeElement as HTMLButtonElement);
  const next =
    event.key === "ArrowDown"
      ? (at + 1) % items.length
      : event.key === "ArrowUp"
        ? (at - 1 + items.length) % items.length
        : event.key === "Home"
          ? 0
          : event.key === "End"
            ? items.length - 1
            : undefined;
  if (next === undefined) return;
  event.preventDefault();
  items[next]?.focus();
}

/**
 * n8n's node picker: a connection dropped on empty canvas asks which state to create there (or, from the
 * keyboard, A on a selected state). Only types the exit can reach are offered (a compensation link only
 * reaches compensation states). Arrow keys move through it, Enter picks, Escape or leaving it closes it.
 */
export function StatePicker(props: {
  at: { x: number; y: number };
  handle: string;
  onPick: (type: StateType) => void;
  onClose: () => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const types = PALETTE_ORDER.filter((type) =>
    props.handle === "compensation" ? type === "compensation" : type !== "compensation",
  );
  useEffect(() => {
    list.current?.querySelector("button")?.focus();
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && props.onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [props.onClose]);
  return (
    <div
      ref={list}
      role="menu"
      aria-label="Add a state here"
      data-testid="state-picker"
      onKeyDown={moveFocus}
      onBlur={(event: FocusEvent<HTMLDivElement>) => {
        // Focus gone elsewhere (a click on the canvas, Tab out): the question is dropped.
        if (event.relatedTarget && !event.currentTarget.contains(event.relatedTarget as Node))
          props.onClose();
      }}
      className="absolute z-30 w-52 rounded-xl border border-slate-200 bg-white p-1.5 shadow-xl"
      style={{ left: props.at.x, top: props.at.y }}
    >
      <div className="px-2 pt-1 pb-1.5 font-semibold text-[11px] text-slate-600 uppercase tracking-wider">
        Add a state here
      </div>
      {types.map((type) => (
        <button
          key={type}
          type="button"
          role="menuitem"
          data-pick={type}
          onClick={() => props.onPick(type)}
          className="flex w-full items-center gap-2 rounded-lg px-2 py-1.5 text-left text-[13px] text-slate-700 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none"
        >
          <span className={`flex h-6 w-6 items-center justify-center rounded-md ${STATE_STYLES[type].chip}`}>
            <StateIcon type={type} />
          </span>
          {STATE_STYLES[type].label}
        </button>
      ))}
    </div>
  );
}
