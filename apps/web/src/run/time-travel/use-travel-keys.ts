import { useEffect } from "react";
import { useRunSessionStore } from "../live/run-session-context";
import { useTravel } from "./travel-context";

/** Keys the slider itself handles when it has the focus (a range input steps with them natively). */
const SLIDER_KEYS = new Set(["ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

/**
 * The scrubber's keys, while time travel is on: ←/→ one event, Shift+←/→ a hundred, Home/End the first
 * and last, Space plays or pauses, Escape goes back to live. Keys typed into a field are left alone.
 */
export function useTravelKeys(active: boolean): void {
  const store = useRunSessionStore();
  const travel = useTravel();
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const slider = target instanceof HTMLInputElement && target.type === "range";
      if (!slider && target?.closest("input, textarea, select, [contenteditable=true]")) return;
      if (slider && SLIDER_KEYS.has(event.key)) return;
      const now = store.getState().travel;
      if (!now || event.metaKey || event.ctrlKey || event.altKey) return;
      const step = event.shiftKey ? 100 : 1;
      const seek = (key: string): number | null => {
        if (key === "ArrowLeft") return now.seq - step;
        if (key === "ArrowRight") return now.seq + step;
        if (key === "Home") return 1;
        if (key === "End") return now.total;
        return null;
      };
      const to = seek(event.key);
      if (to !== null) travel.seek(to);
      else if (event.key === " ") travel.play(now.playing ? 0 : 1);
      else if (event.key === "Escape") travel.leave();
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, store, travel]);
}
