import { useRunSession } from "../live/run-session-context";
import { describeEvent } from "../model/describe-event";
import { STATUS_STYLE } from "../ui/status";
import { useTravel } from "./travel-context";
import { useTravelKeys } from "./use-travel-keys";

const BUTTON =
  "rounded-md px-2 py-1 text-[12px] text-slate-600 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-40";

/** Opens time travel (a button in the bottom panel's tab row). */
export function TimeTravelButton() {
  const travel = useTravel();
  const on = useRunSession((s) => s.travel !== null);
  return (
    <button
      type="button"
      data-testid="time-travel"
      aria-pressed={on}
      onClick={() => (on ? travel.leave() : travel.enter())}
      title="Scrub through the run's history: the canvas, the step inspector and the State Format show the run as of any event"
      className={`mb-1.5 ml-auto rounded-lg px-2.5 py-1 font-medium text-[12px] ${on ? "bg-indigo-600 text-white" : "text-indigo-700 hover:bg-indigo-50"}`}
    >
      ⏱ Time travel
    </button>
  );
}

/**
 * The scrubber: a slider over every event, step back and forward, play at 1× (10 events a second) or 10×,
 * first and last, and back to live. Shown while time travel is on.
 */
export function Scrubber() {
  const travel = useTravel();
  const state = useRunSession((s) => s.travel);
  const event = useRunSession((s) => (s.travel ? s.events[s.travel.seq - 1] : undefined));
  useTravelKeys(state !== null);
  if (!state) return null;
  const { seq, total, loaded, point, playing } = state;
  const status = point?.model.status;
  const answered = point?.seq === seq;
  return (
    <section
      className="flex shrink-0 flex-wrap items-center gap-2 border-indigo-200 border-t bg-indigo-50/70 px-3 py-1.5"
      data-testid="scrubber"
      data-seq={seq}
      data-shown-seq={point?.seq ?? 0}
      data-loaded={loaded}
      data-fold-ms={state.historyFoldMs.toFixed(1)}
      data-seek-ms={state.foldMs.toFixed(2)}
      aria-label="Time travel"
    >
      <button type="button" className={BUTTON} onClick={() => travel.seek(1)} title="First event (Home)">
        ⏮
      </button>
      <button
        type="button"
        className={BUTTON}
        data-testid="travel-back"
        disabled={seq <= 1}
        onClick={() => travel.seek(seq - 1)}
        title="One event back (←; Shift+← a hundred)"
      >
        ◀
      </button>
      <button
        type="button"
        className={BUTTON}
        data-testid="travel-play"
        onClick={() => travel.play(playing ? 0 : 1)}
        title="Play or pause (Space)"
      >
        {playing ? "⏸" : "▶"}
      </button>
      <button
        type="button"
        className={`${BUTTON} font-mono`}
        data-testid="travel-speed"
        onClick={() => travel.play(playing === 10 ? 1 : 10)}
        title="Play at 1× (10 events a second) or 10× (100)"
      >
        {playing === 10 ? "10×" : "1×"}
      </button>
      <button
        type="button"
        className={BUTTON}
        data-testid="travel-forward"
        disabled={seq >= total}
        onClick={() => travel.seek(seq + 1)}
        title="One event forward (→; Shift+→ a hundred)"
      >
        ▶
      </button>
      <button type="button" className={BUTTON} onClick={() => travel.seek(total)} title="Last event (End)">
        ⏭
      </button>
      <input
        type="range"
        min={1}
        max={Math.max(1, total)}
        value={seq}
        onChange={(e) => travel.seek(Number(e.currentTarget.value))}
        aria-label="Event"
        data-testid="travel-slider"
        className="min-w-[200px] flex-1 accent-indigo-600"
      />
      <span className="w-[330px] shrink-0 truncate text-[12px] text-slate-700" data-testid="travel-event">
        <span className="font-mono text-slate-500">
          #{seq.toLocaleString()} / {total.toLocaleString()}
        </span>{" "}
        {event ? (
          <>
            <span className="font-semibold">{event.event.type}</span> {describeEvent(event.event)}
          </>
        ) : (
          "…"
        )}
      </span>
      {status && (
        <span
          data-testid="travel-status"
          data-status={status}
          data-current={answered}
          className={`rounded-full px-2 py-px font-semibold text-[11px] ring-1 ${STATUS_STYLE[status].className} ${answered ? "" : "opacity-60"}`}
          title="The run's status as of this event"
        >
          {STATUS_STYLE[status].label}
        </span>
      )}
      {loaded < total && (
        <span className="text-[11px] text-slate-500" data-testid="travel-loading">
          reading history {loaded.toLocaleString()} / {total.toLocaleString()}
        </span>
      )}
      <button
        type="button"
        data-testid="travel-leave"
        onClick={() => travel.leave()}
        title="Back to the live run (Esc)"
        className="rounded-lg bg-white px-2.5 py-1 font-medium text-[12px] text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-100"
      >
        Back to live
      </button>
    </section>
  );
}
