import { type KeyboardEvent, type PointerEvent, type ReactNode, useCallback, useRef, useState } from "react";
import { clampSize, type PanelBounds, sizeForKey, storedSize, storeSize } from "./panel-size";

/** The least a panel keeps when the window is too small for it and the canvas. */
const SHRUNK = 180;

const storage = (): Storage | undefined => (typeof window === "undefined" ? undefined : window.localStorage);

/**
 * A side or bottom panel whose size the user sets by dragging its edge, or from the keyboard on that
 * edge (a focusable separator, as in the WAI-ARIA window splitter pattern: arrows, Shift for bigger
 * steps, Home/End, double-click or Enter for the initial size). The size is remembered per panel.
 * The panel may shrink below it when the window is too small: the canvas beside it keeps a minimum size
 * (see the editor's layout), and panels give up room in proportion to their size.
 */
export function ResizablePanel({
  id,
  label,
  edge,
  bounds,
  className = "",
  children,
}: {
  id: string;
  /** Names the separator for screen readers, e.g. "Resize the inspector". */
  label: string;
  /** The edge that is dragged: left for a right-hand panel, top for a bottom one. */
  edge: "left" | "top";
  bounds: PanelBounds;
  className?: string;
  children: ReactNode;
}) {
  const [size, setSize] = useState(() => storedSize(id, bounds, storage()));
  const drag = useRef<{ from: number; size: number } | undefined>(undefined);
  const panel = useRef<HTMLDivElement>(null);
  const horizontal = edge === "left";

  const commit = useCallback(
    (next: number) => {
      setSize(next);
      storeSize(id, next, storage());
    },
    [id],
  );
  /** What is drawn may be less than `size` on a small screen: resizing starts from what the user sees. */
  const shown = () => {
    const box = panel.current?.getBoundingClientRect();
    return box ? Math.round(horizontal ? box.width : box.height) : size;
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { from: horizontal ? event.clientX : event.clientY, size: shown() };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (!start) return;
    // The panel sits right of (or below) its edge: moving the edge left (up) makes it bigger.
    const moved = start.from - (horizontal ? event.clientX : event.clientY);
    setSize(clampSize(start.size + moved, bounds));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    drag.current = undefined;
    event.currentTarget.releasePointerCapture(event.pointerId);
    commit(shown());
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      commit(bounds.initial);
      return;
    }
    const next = sizeForKey(event.key, event.shiftKey, shown(), bounds, horizontal ? "ArrowLeft" : "ArrowUp");
    if (next === undefined) return;
    event.preventDefault();
    commit(next);
  };

  return (
    <div
      ref={panel}
      id={`panel-${id}`}
      className={`relative flex shrink ${horizontal ? "h-full" : "w-full flex-col"} ${className}`}
      style={
        horizontal
          ? { width: size, minWidth: Math.min(bounds.min, SHRUNK) }
          : { height: size, minHeight: Math.min(bounds.min, SHRUNK) }
      }
    >
      {/* biome-ignore lint/a11y/useSemanticElements: <hr> cannot be focused or dragged; this is the ARIA window splitter */}
      <div
        role="separator"
        tabIndex={0}
        aria-label={label}
        aria-controls={`panel-${id}`}
        aria-orientation={horizontal ? "vertical" : "horizontal"}
        aria-valuenow={size}
        aria-valuemin={bounds.min}
        aria-valuemax={bounds.max}
        data-testid={`resize-${id}`}
        title={`${label}: drag, or use the arrow keys; double-click for the usual size`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onDoubleClick={() => commit(bounds.initial)}
        onKeyDown={onKeyDown}
        className={`absolute z-20 touch-none bg-transparent outline-none transition-colors hover:bg-indigo-400/60 focus-visible:bg-indigo-500 ${
          horizontal
            ? "-left-1 top-0 h-full w-2 cursor-col-resize"
            : "-top-1 left-0 h-2 w-full cursor-row-resize"
        }`}
      />
      {children}
    </div>
  );
}
