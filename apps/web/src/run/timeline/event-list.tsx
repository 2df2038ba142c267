import type { RunEventType } from "@sagaflow/shared";
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useDeferredValue, useEffect, useRef } from "react";
import { withWhoInWords } from "../actions/who";
import { requestEvents } from "../live/event-pages";
import { useRunSession, useRunSessionStore } from "../live/run-session-context";
import { describeEvent, stateOfEvent } from "../model/describe-event";
import type { RunHistoryEvent } from "../model/run-model";

const ROW_HEIGHT = 26;
/** How long the rows must stay in view before their page is read. */
const PAGE_AFTER_MS = 80;

const TONE: Partial<Record<RunEventType, string>> = {
  RunStarted: "text-sky-700",
  RunSucceeded: "text-emerald-700",
  StepSucceeded: "text-emerald-700",
  StepAttemptFailed: "text-rose-600",
  StepTimedOut: "text-orange-600",
  StepFailed: "text-rose-700",
  RunFailed: "text-rose-700",
  StepWarned: "text-amber-700",
  CompensationStarted: "text-violet-700",
  CompensationStepStarted: "text-violet-700",
  CompensationStepSucceeded: "text-violet-700",
  CompensationStepFailed: "text-rose-600",
  CompensationFailed: "text-rose-700",
  RunCompensated: "text-violet-800",
  RunSuspended: "text-orange-700",
  SignalAwaited: "text-amber-700",
  SignalReceived: "text-emerald-700",
};

/**
 * The history, virtualized (only the rows in view are in the DOM, so 100,000 events scroll smoothly). Row
 * i is seq i + 1; a long run's rows fill in a page at a time as they come into view (event-pages.ts).
 * It follows new events while scrolled to the bottom; a click selects the event's state.
 */
export function EventList({ onFocus }: { onFocus: (stateId: string) => void }) {
  const store = useRunSessionStore();
  const count = useRunSession((s) => s.eventCount);
  useRunSession((s) => s.eventsVersion);
  // While time travel is on, the chosen event is the one in focus.
  // Deferred, as the inspector: a dragged scrubber moves the focus at every frame.
  const focusSeq = useDeferredValue(useRunSession((s) => s.travel?.seq ?? s.focusSeq));
  const selected = useDeferredValue(useRunSession((s) => s.travel?.inspect ?? s.selected));
  const startedAt = useRunSession((s) => s.model.startedAt ?? s.events[0]?.at ?? null);
  const events = store.getState().events;
  const parentRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const startMs = startedAt ? Date.parse(startedAt) : 0;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index;
  const lastRow = rows.at(-1)?.index;

  useEffect(() => {
    if (following.current && count > 0 && focusSeq === null)
      virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [count, focusSeq, virtualizer]);
  // To the event in focus, at most once a frame and only when its row is out of view: a dragged scrubber
  // moves it at every frame. Rows are all ROW_HEIGHT high, so the offset is computed and set directly
  // (the virtualizer's scrollToIndex re-reads the layout on every frame until it settles).
  const scrollFrame = useRef<number | null>(null);
  useEffect(() => {
    if (focusSeq === null || focusSeq < 1 || focusSeq > count) return;
    if (scrollFrame.current !== null) cancelAnimationFrame(scrollFrame.current);
    scrollFrame.current = requestAnimationFrame(() => {
      scrollFrame.current = null;
      const el = parentRef.current;
      const height = virtualizer.scrollRect?.height ?? 0;
      const offset = virtualizer.scrollOffset ?? 0;
      const top = (focusSeq - 1) * ROW_HEIGHT;
      if (!el || (top >= offset && top + ROW_HEIGHT <= offset + height)) return;
      el.scrollTop = Math.max(0, top - (height - ROW_HEIGHT) / 2);
    });
  }, [focusSeq, count, virtualizer]);
  useEffect(
    () => () => {
      if (scrollFrame.current !== null) cancelAnimationFrame(scrollFrame.current);
    },
    [],
  );
  // Rows in view whose events have not been read yet: read their pages once the list stops for a moment
  // (a fast scroll through 100,000 rows would otherwise ask for every page it passes).
  useEffect(() => {
    if (firstRow === undefined || lastRow === undefined) return;
    const timer = setTimeout(() => requestEvents(store, firstRow + 1, lastRow + 1), PAGE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [firstRow, lastRow, store]);

  return (
    <div
      ref={parentRef}
      className="h-full overflow-y-auto font-mono text-[11.5px]"
      data-testid="event-list"
      onScroll={(e) => {
        const el = e.currentTarget;
        following.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2;
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {rows.map((row) => {
          const event = events[row.index];
          if (!event) return <PendingRow key={`pending-${row.index}`} seq={row.index + 1} top={row.start} />;
          return (
            <EventRow
              key={event.seq}
              event={event}
              top={row.start}
              offsetMs={Date.parse(event.at) - startMs}
              highlighted={event.seq === focusSeq}
              selectedState={selected}
              onClick={() => {
                const stateId = stateOfEvent(event.event);
                store.getState().select(stateId ?? null, event.seq);
                if (stateId) onFocus(stateId);
              }}
            />
          );
        })}
      </div>
    </div>
  );
}

/** A row whose page is still being read. */
function PendingRow({ seq, top }: { seq: number; top: number }) {
  return (
    <div
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      className="absolute top-0 left-0 flex w-full items-center gap-3 border-slate-50 border-b px-3 text-slate-300"
    >
      <span className="w-14 shrink-0 text-right">#{seq}</span>
      <span>…</span>
    </div>
  );
}

const EventRow = memo(function EventRow(props: {
  event: RunHistoryEvent;
  top: number;
  offsetMs: number;
  highlighted: boolean;
  selectedState: string | null;
  onClick: () => void;
}) {
  const { event } = props;
  const stateId = stateOfEvent(event.event);
  const mine = stateId !== undefined && stateId === props.selectedState;
  return (
    <button
      type="button"
      data-seq={event.seq}
      data-event-type={event.event.type}
      onClick={props.onClick}
      style={{ transform: `translateY(${props.top}px)`, height: ROW_HEIGHT }}
      className={`absolute top-0 left-0 flex w-full items-center gap-3 border-slate-50 border-b px-3 text-left hover:bg-indigo-50/60 ${props.highlighted ? "bg-indigo-100" : mine ? "bg-indigo-50/50" : ""}`}
    >
      <span className="w-14 shrink-0 text-right text-slate-400">#{event.seq}</span>
      <span className="w-20 shrink-0 text-right text-slate-400">+{(props.offsetMs / 1000).toFixed(3)}s</span>
      <span className={`w-52 shrink-0 truncate font-semibold ${TONE[event.event.type] ?? "text-slate-700"}`}>
        {event.event.type}
      </span>
      <span className="min-w-0 flex-1 truncate font-sans text-slate-600">
        {withWhoInWords(describeEvent(event.event), "by" in event.event ? event.event.by : undefined)}
      </span>
    </button>
  );
});
