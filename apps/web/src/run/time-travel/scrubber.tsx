import { useRunSession } from "../live/run-session-context";
import { describeEvent } from "../model/describe-event";
import { STATUS_STYLE } from "../ui/status";
import { useTravel } from "./travel-context";
import { useTravelKeys } from "./use-travel-keys";

/** Inline icons: the media-control emoji (⏮ ⏭ ⏸) are missing from many fonts (Debian's Chromium among them). */
function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" className="inline-block fill-current">
      <path d={d} />
    </svg>
  );
}
const FIRST = "M2 2h2v12H2zM14 2v12L5 8z"; // |◀
const BACK = "M11 2v12L3 8zM12 2h2v12h-2z"; // ◀|
const FORWARD = "M2 2h2v12H2zM5 2v12l8-6z"; // |▶
const LAST = "M2 2v12l9-6zM12 2h2v12h-2z"; // ▶|
const PLAY = "M4 2v12l9-6z";
const PAUSE = "M3 2h4v12H3zM9 2h4v12H9z";
const CLOCK =
  "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 2a5 5 0 1 1 0 10A5 5 0 0 1 8 3zm-.75 1.5v4.06l2.97 1.72.75-1.3-2.22-1.28V4.5z";

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
      <Icon d={CLOCK} /> Time travel
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
      <button
        type="button"
        className={BUTTON}
        onClick={() => travel.seek(1)}
        title="First event (Home)"
        aria-label="First event"
      >
        <Icon d={FIRST} />
      </button>
      <button
        type="button"
        className={BUTTON}
        data-testid="travel-back"
        disabled={seq <= 1}
        onClick={() => travel.seek(seq - 1)}
        title="One event back (←; Shift+← a hundred)"
        aria-label="One event back"
      >
        <Icon d={BACK} />
      </button>
      <button
        type="button"
        className={BUTTON}
        data-testid="travel-play"
        onClick={() => travel.play(playing ? 0 : 1)}
        title="Play or pause (Space)"
        aria-label={playing ? "Pause" : "Play"}
      >
        <Icon d={playing ? PAUSE : PLAY} />
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
        aria-label="One event forward"
      >
        <Icon d={FORWARD} />
      </button>
      <button
        type="button"
        className={BUTTON}
        onClick={() => travel.seek(total)}
        title="Last event (End)"
        aria-label="Last event"
      >
        <Icon d={LAST} />
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
