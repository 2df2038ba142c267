import { memo, useDeferredValue, useEffect, useMemo, useState } from "react";
import { useRunSession, useRunSessionStore } from "../live/run-session-context";
import { type BarTone, buildGantt } from "../model/gantt";
import { useViewModel } from "../time-travel/travel-context";
import { formatDuration } from "../ui/status";

const BAR_TONE: Record<BarTone, string> = {
  running: "bg-sky-400",
  succeeded: "bg-emerald-500",
  failed: "bg-rose-500",
  timed_out: "bg-orange-500",
  interrupted: "bg-slate-400",
  waiting: "bg-amber-300",
  done: "bg-slate-400",
  compensation: "bg-violet-500",
};

/** Fractions of the run's span where the axis is labelled. */
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

/** Steps and attempts over time (Conductor's timeline): clicking a bar selects its state. */
export function GanttChart({ onFocus }: { onFocus: (stateId: string) => void }) {
  // Deferred: the bars redraw in an interruptible render, so a live node change on the canvas never waits
  // for 200 rows (issue 14, live latency).
  const version = useDeferredValue(useRunSession((s) => s.modelVersion));
  const model = useViewModel();
  const traveling = useRunSession((s) => s.travel !== null);
  const ended = model.endedAt !== null || traveling;
  const selected = useRunSession((s) => s.selected);
  const [ticked, setNow] = useState(Date.now);
  const now = useDeferredValue(ticked);
  useEffect(() => {
    if (ended) return;
    // Every tick redraws every bar (the span grows): once a second keeps the main thread free for the
    // canvas's live node changes (issue 14).
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ended]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the model changes in place; its version says when
  const gantt = useMemo(
    () => buildGantt(model, traveling ? Date.parse(model.lastAt ?? "") || now : now),
    [model, version, now, traveling],
  );
  const span = gantt.endMs - gantt.startMs;

  const partial =
    model.openedAtSeq > 0 && !traveling ? (
      <p className="p-3 text-[12px] text-slate-500" data-testid="gantt-partial">
        This long run opened on its checkpoint (event #{model.openedAtSeq.toLocaleString()}): the bars start
        after it. Time travel reads the whole history.
      </p>
    ) : null;
  if (gantt.rows.length === 0)
    return partial ?? <div className="p-4 text-[12px] text-slate-400">No steps yet.</div>;
  return (
    <div className="h-full overflow-y-auto px-3 pb-3" data-testid="gantt">
      {partial}
      <div className="sticky top-0 z-10 flex whitespace-nowrap bg-white pt-2 pb-1 text-[10px] text-slate-400">
        <div className="w-48 shrink-0" />
        <div className="relative h-4 flex-1">
          {TICKS.map((at) => (
            <span
              key={at}
              className={`absolute ${at === 0 ? "" : at === 1 ? "-translate-x-full" : "-translate-x-1/2"}`}
              style={{ left: `${at * 100}%` }}
            >
              {formatDuration(span * at)}
            </span>
          ))}
        </div>
      </div>
      <GanttRows gantt={gantt} now={now} selected={selected} onFocus={onFocus} />
      <Legend />
    </div>
  );
}

/** The rows, memoised: a render of the chart with the same (deferred) model does not touch them. */
const GanttRows = memo(function GanttRows(props: {
  gantt: ReturnType<typeof buildGantt>;
  now: number;
  selected: string | null;
  onFocus: (stateId: string) => void;
}) {
  const { gantt, now, selected, onFocus } = props;
  const store = useRunSessionStore();
  const span = gantt.endMs - gantt.startMs;
  const x = (ms: number) => `${((ms - gantt.startMs) / span) * 100}%`;
  return (
    <>
      {gantt.rows.map((row) => (
        <div
          key={row.key}
          data-gantt-row={row.stateId}
          className={`flex h-6 items-center rounded ${row.stateId === selected ? "bg-indigo-50" : ""}`}
        >
          <button
            type="button"
            onClick={() => {
              store.getState().select(row.stateId);
              onFocus(row.stateId);
            }}
            className={`w-48 shrink-0 truncate pr-2 text-left font-mono text-[11px] ${row.compensation ? "text-violet-700" : "text-slate-600"} hover:text-indigo-700`}
            title={row.label}
          >
            {row.label}
          </button>
          <div className="relative h-4 flex-1 border-slate-100 border-l">
            {row.bars.map((bar) => (
              <button
                key={`${bar.seq}`}
                type="button"
                title={`${bar.label} · ${formatDuration((bar.endMs ?? now) - bar.startMs)}`}
                data-gantt-bar={bar.tone}
                onClick={() => {
                  store.getState().select(row.stateId, bar.seq);
                  onFocus(row.stateId);
                }}
                className={`absolute top-0.5 h-3 rounded-sm hover:ring-2 hover:ring-indigo-400 ${BAR_TONE[bar.tone]}`}
                style={{
                  left: x(bar.startMs),
                  width: `max(3px, calc(${x(bar.endMs ?? Math.max(now, bar.startMs))} - ${x(bar.startMs)}))`,
                }}
              />
            ))}
          </div>
        </div>
      ))}
    </>
  );
});

const LEGEND: [BarTone, string][] = [
  ["succeeded", "attempt succeeded"],
  ["failed", "attempt failed"],
  ["timed_out", "timed out"],
  ["running", "running"],
  ["waiting", "waiting"],
  ["done", "wait / choice / signal"],
  ["compensation", "compensation"],
];

function Legend() {
  return (
    <div className="mt-3 flex flex-wrap gap-x-4 gap-y-1 pl-48 text-[10px] text-slate-400">
      {LEGEND.map(([tone, label]) => (
        <span key={tone} className="flex items-center gap-1.5">
          <span className={`h-2 w-3 rounded-sm ${BAR_TONE[tone].replace(" animate-pulse", "")}`} />
          {label}
        </span>
      ))}
    </div>
  );
}
