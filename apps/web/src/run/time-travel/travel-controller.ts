import type { RunOverlayStore } from "../../canvas/store/run-overlay";
import type { FlowEdge } from "../../canvas/types";
import { api } from "../../lib/trpc";
import { fillEvents } from "../live/event-pages";
import type { RunSessionStore } from "../live/run-session";
import { stateOfEvent } from "../model/describe-event";
import { deriveOverlay } from "../model/overlay";
import type { RunHistoryEvent } from "../model/run-model";
import type { FromWorker, ToWorker } from "./travel-messages";
import { EVENTS_PER_SECOND, type TravelState } from "./travel-state";

/**
 * Time travel on the page: reads the whole history in pages the first time it is entered (in order, a few
 * pages in flight), hands them to the fold worker, and draws what the worker answers on the canvas. The
 * worker and the history it folded stay for the next time; leaving draws the live run again.
 */

const PAGE = 1000;
const IN_FLIGHT = 3;

export interface TravelController {
  enter(): void;
  leave(): void;
  seek(seq: number): void;
  play(speed: 0 | 1 | 10): void;
  /** Live events the session folded: the history takes them once it has everything before them. */
  live(events: readonly RunHistoryEvent[]): void;
  dispose(): void;
}

export function createTravelController(options: {
  store: RunSessionStore;
  overlay: RunOverlayStore;
  edges: () => readonly FlowEdge[];
}): TravelController {
  const { store, overlay } = options;
  let worker: Worker | undefined;
  let loadedThrough = 0;
  let historyFoldMs = 0;
  let loading = false;
  let playTimer: ReturnType<typeof setInterval> | undefined;
  const pendingLive: RunHistoryEvent[] = [];

  const travel = () => store.getState().travel;
  const patch = (change: Partial<TravelState>) => {
    const now = travel();
    if (now) store.setState({ travel: { ...now, ...change } });
  };
  const post = (message: ToWorker) => worker?.postMessage(message);

  const onMessage = (message: MessageEvent<FromWorker>) => {
    const data = message.data;
    if (data.type === "appended") {
      historyFoldMs += data.foldMs;
      patch({ loaded: data.length, historyFoldMs });
      // A chosen event that had not arrived yet is answered once it has.
      const now = travel();
      if (now && now.point?.seq !== now.seq && now.seq <= data.length) post({ type: "seek", seq: now.seq });
      return;
    }
    // Drawn once a frame at most: answers can come faster than the page paints while the slider is dragged.
    latest = data;
    if (drawFrame === null) drawFrame = requestAnimationFrame(draw);
  };
  let latest: Extract<FromWorker, { type: "point" }> | null = null;
  let drawFrame: number | null = null;
  const draw = () => {
    drawFrame = null;
    const answer = latest;
    latest = null;
    if (!answer || !travel()) return;
    const { foldMs, type: _type, ...point } = answer;
    overlay.setState(deriveOverlay(point.model, options.edges(), overlay.getState()));
    patch({ point, foldMs });
  };

  /** Reads pages after `loadedThrough` until the run's last known seq, a few at a time, folding in order. */
  const load = async () => {
    if (loading) return;
    loading = true;
    const { runId } = store.getState();
    try {
      while (loadedThrough < store.getState().eventCount) {
        const starts: number[] = [];
        for (let i = 0; i < IN_FLIGHT; i++) {
          const after = loadedThrough + i * PAGE;
          if (after < store.getState().eventCount) starts.push(after);
        }
        const pages = await Promise.all(
          starts.map((afterSeq) => api.runs.history.query({ runId, afterSeq, limit: PAGE })),
        );
        for (const page of pages) {
          const events = page.events as unknown as RunHistoryEvent[];
          if (events.length === 0) continue;
          post({ type: "append", events });
          fillEvents(store, events);
          loadedThrough = events.at(-1)?.seq ?? loadedThrough;
        }
        if (pages.every((page) => page.events.length === 0)) break;
      }
      const after = pendingLive.filter((event) => event.seq > loadedThrough);
      pendingLive.length = 0;
      if (after.length > 0) {
        post({ type: "append", events: after });
        loadedThrough = after.at(-1)?.seq ?? loadedThrough;
      }
    } finally {
      loading = false;
    }
  };

  const stopPlaying = () => {
    if (playTimer) clearInterval(playTimer);
    playTimer = undefined;
  };

  const seek = (seq: number) => {
    const now = travel();
    if (!now) return;
    const target = Math.max(1, Math.min(Math.round(seq), now.total));
    const event = store.getState().events[target - 1];
    // The inspector shows the step of the chosen event; the event list scrolls to it.
    const stateId = event ? stateOfEvent(event.event) : undefined;
    store.setState({ travel: { ...now, seq: target, inspect: stateId ?? now.inspect } });
    if (target <= now.loaded) post({ type: "seek", seq: target });
  };

  return {
    enter() {
      if (travel()) return;
      const { runId, definition, eventCount, focusSeq } = store.getState();
      if (!worker) {
        worker = new Worker(new URL("./travel-worker.ts", import.meta.url), { type: "module" });
        worker.onmessage = onMessage;
        post({ type: "init", runId, definition });
      }
      const start = focusSeq ?? eventCount;
      store.setState({
        travel: {
          loaded: loadedThrough,
          total: eventCount,
          seq: start,
          point: null,
          playing: 0,
          foldMs: 0,
          historyFoldMs,
          inspect: null,
        },
      });
      seek(start);
      void load().catch(() => undefined);
    },
    leave() {
      stopPlaying();
      const inspected = travel()?.inspect;
      // The live view keeps the state last inspected selected.
      store.setState({ travel: null, focusSeq: null, ...(inspected ? { selected: inspected } : {}) });
      overlay.setState(deriveOverlay(store.getState().model, options.edges(), overlay.getState()));
    },
    seek(seq) {
      stopPlaying();
      patch({ playing: 0 });
      seek(seq);
    },
    play(speed) {
      stopPlaying();
      patch({ playing: speed });
      if (speed === 0) return;
      // Steps of one event at 1× (10 a second), ten events at 10×.
      playTimer = setInterval(() => {
        const now = travel();
        if (!now || now.seq >= now.total) {
          stopPlaying();
          patch({ playing: 0 });
          return;
        }
        seek(now.seq + speed);
      }, 1000 / EVENTS_PER_SECOND);
    },
    live(events) {
      // The session publishes its count after the canvas's frame (run-session.ts): the batch may be ahead.
      const total = Math.max(store.getState().eventCount, events.at(-1)?.seq ?? 0);
      patch({ total });
      if (!worker) return;
      if (loading) {
        pendingLive.push(...events);
        return;
      }
      const next = events.filter((event) => event.seq > loadedThrough);
      if (next.length === 0 || next[0]!.seq !== loadedThrough + 1) {
        void load().catch(() => undefined); // a gap: read it in pages
        return;
      }
      post({ type: "append", events: next });
      loadedThrough = next.at(-1)!.seq;
    },
    dispose() {
      stopPlaying();
      if (drawFrame !== null) cancelAnimationFrame(drawFrame);
      worker?.terminate();
      worker = undefined;
    },
  };
}
