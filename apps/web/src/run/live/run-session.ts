import type { RouterOutputs } from "@sagaflow/server/router";
import type { Definition, RunSnapshot, RunStatus } from "@sagaflow/shared";
import { createStore, type StoreApi } from "zustand/vanilla";
import type { RunOverlayStore } from "../../canvas/store/run-overlay";
import type { FlowEdge } from "../../canvas/types";
import { api } from "../../lib/trpc";
import { deriveOverlay } from "../model/overlay";
import { createRunModel, foldIntoRunModel, type RunHistoryEvent, type RunModel } from "../model/run-model";
import { runModelFromSnapshot } from "../model/summary-model";
import type { TravelState } from "../time-travel/travel-state";
import { loadLastPage } from "./event-pages";

/**
 * One open run: its events (live over `runs.events`, resumed from the last seq on reconnect), the model
 * folded from them, and the server's record of it (status, snapshot, Workflow State Format), refetched
 * after events arrive. The canvas overlay is derived from the model on every batch.
 *
 * A short history is read whole and folded. A long one (over `FOLD_ON_OPEN` events) opens on the server's
 * snapshot and the last page of events: the model starts from the snapshot (summary-model.ts), the event
 * list pages the rest in as it scrolls (event-pages.ts), and time travel reads the whole history in a
 * worker when it is first used.
 */

export type RunGet = RouterOutputs["runs"]["get"];

export interface RunSessionState {
  runId: string;
  /**
   * By seq - 1, written in place (100,000 events must not be copied per batch). A long run's list has holes
   * until their page is read (event-pages.ts). `eventCount` is the last seq known.
   */
  events: (RunHistoryEvent | undefined)[];
  eventCount: number;
  /** Bumped when pages of older events fill holes in `events`. */
  eventsVersion: number;
  model: RunModel;
  /** Bumped after every batch of events: components that read the model subscribe to it. */
  modelVersion: number;
  status: RunStatus;
  snapshot: RunSnapshot | null;
  definition: Definition | null;
  stateFormat: string | null;
  connection: "connecting" | "live" | "reconnecting";
  selected: string | null;
  /** Set by a click in the timeline or Gantt: the event list scrolls to it. */
  focusSeq: number | null;
  select(stateId: string | null, focusSeq?: number | null): void;
  /** Time travel (the scrubber), or null while the view follows the run live. */
  travel: TravelState | null;
}

export type RunSessionStore = StoreApi<RunSessionState>;

/** Events after which the operator buttons change: the server's record is fetched again at once. */
const REFETCH_AT_ONCE = new Set([
  "RunSucceeded",
  "RunFailed",
  "RunCompensated",
  "CompensationFailed",
  "RunSuspended",
  "RunCanceled",
  "SignalAwaited",
  "RunResumed",
  "RunMovedToVersion",
]);

/** The model's readers re-render at most this often while events stream in (ms). */
const PUBLISH_EVERY = 250;
/** ...and never in the task that changed the canvas: at least one frame after it (ms). */
const PUBLISH_GAP = 20;

/** The server's largest history page. */
const HISTORY_PAGE = 1000;
/** Histories up to this many events are read whole on open; longer ones open on the snapshot. */
export const FOLD_ON_OPEN = 2000;

const asSnapshot = (value: unknown): RunSnapshot | null =>
  value && typeof value === "object" && "scopes" in value ? (value as RunSnapshot) : null;

export function createRunSessionStore(initial: RunGet): RunSessionStore {
  const snapshot = asSnapshot(initial.run.snapshot);
  const { lastSeq } = initial.run;
  const opened =
    snapshot && lastSeq > FOLD_ON_OPEN
      ? runModelFromSnapshot(initial.run.id, snapshot, initial.definition, {
          seq: lastSeq,
          at: initial.run.updatedAt,
        })
      : null;
  return createStore<RunSessionState>((set) => ({
    runId: initial.run.id,
    events: opened ? new Array<RunHistoryEvent | undefined>(lastSeq) : [],
    eventCount: opened ? lastSeq : 0,
    eventsVersion: 0,
    model: opened ?? createRunModel(initial.run.id),
    modelVersion: 0,
    status: initial.run.status,
    snapshot: asSnapshot(initial.run.snapshot),
    definition: initial.definition,
    stateFormat: initial.stateFormat,
    connection: "connecting",
    selected: null,
    focusSeq: null,
    // A state picked by hand is what the inspector shows, in time travel too.
    select: (stateId, focusSeq = null) =>
      set((s) => ({ selected: stateId, focusSeq, travel: s.travel && { ...s.travel, inspect: null } })),
    travel: null,
  }));
}

export interface RunSessionOptions {
  store: RunSessionStore;
  overlay: RunOverlayStore;
  /** The edges on the canvas, to map transitions onto (read when a batch is applied). */
  edges: () => readonly FlowEdge[];
  /** Called after each batch is drawn (the latency bench listens here). */
  onBatch?: (events: RunHistoryEvent[]) => void;
  /** Each batch of live events, after the model folded it (time travel's history takes them). */
  onLive?: (events: RunHistoryEvent[]) => void;
}

/** Follows the run until `stop()`; returns `stop`. */
export function followRun(options: RunSessionOptions): () => void {
  const { store, overlay } = options;
  const runId = store.getState().runId;
  let pending: RunHistoryEvent[] = [];
  let scheduled = false;
  let stopped = false;
  let refetchTimer: ReturnType<typeof setTimeout> | undefined;
  let refetching = false;
  let refetchAgain = false;

  const refetch = async () => {
    if (refetching) {
      refetchAgain = true;
      return;
    }
    refetching = true;
    try {
      const fresh = await api.runs.get.query({ runId });
      if (stopped) return;
      store.setState({
        status: fresh.run.status,
        snapshot: asSnapshot(fresh.run.snapshot),
        stateFormat: fresh.stateFormat,
        // A resume on another version moves the run to that version's definition.
        definition: fresh.definition,
      });
    } catch {
      // the next batch refetches again
    } finally {
      refetching = false;
      if (refetchAgain && !stopped) {
        refetchAgain = false;
        void refetch();
      }
    }
  };
  const scheduleRefetch = (now: boolean) => {
    if (refetchTimer) clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => void refetch(), now ? 0 : 200);
  };

  const flush = () => {
    scheduled = false;
    if (stopped || pending.length === 0) return;
    const batch = pending;
    pending = [];
    const state = store.getState();
    for (const event of batch) {
      if (event.seq <= state.model.lastSeq) continue;
      foldIntoRunModel(state.model, event);
      state.events[event.seq - 1] = event;
    }
    // While time travel shows an earlier point, the canvas stays there; leaving it draws the live run.
    // The canvas goes first and alone: only the nodes whose status moved re-render in this frame.
    if (!state.travel) overlay.setState(deriveOverlay(state.model, options.edges(), overlay.getState()));
    options.onLive?.(batch);
    const urgent = batch.some((e) => REFETCH_AT_ONCE.has(e.event.type));
    publishModel(urgent || catchingUp);
    options.onBatch?.(batch);
    scheduleRefetch(urgent);
  };

  /**
   * The readers of the model (header, timeline, event list, inspector) re-render at most every
   * `PUBLISH_EVERY` ms, in a task of their own after the canvas's frame: rendering them in the same frame
   * as the nodes made every node change wait for ~100 ms of script (issue 14, live latency).
   */
  let publishTimer: ReturnType<typeof setTimeout> | undefined;
  let publishedAt = 0;
  const publish = () => {
    publishTimer = undefined;
    if (stopped) return;
    publishedAt = performance.now();
    const state = store.getState();
    store.setState({
      eventCount: Math.max(state.eventCount, state.model.lastSeq),
      modelVersion: state.modelVersion + 1,
      // the model's own status is ahead of the refetched record until the refetch lands
      status: state.model.status,
    });
  };
  const publishModel = (now: boolean) => {
    if (now) {
      if (publishTimer) clearTimeout(publishTimer);
      publish();
      return;
    }
    if (publishTimer) return;
    const wait = Math.max(PUBLISH_GAP, PUBLISH_EVERY - (performance.now() - publishedAt));
    publishTimer = setTimeout(publish, wait);
  };
  /** While the history pages load, the view is drawn a few times a second, not at every page. */
  let catchingUp = true;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    if (catchingUp) {
      setTimeout(flush, 250);
      return;
    }
    // A frame when the tab is visible; a timer when it is not (rAF does not fire in background tabs).
    requestAnimationFrame(flush);
    setTimeout(flush, 100);
  };

  let subscription: { unsubscribe(): void } | undefined;
  const subscribe = () => {
    const last = pending.at(-1)?.seq ?? store.getState().model.lastSeq;
    subscription = api.runs.events.subscribe(
      { runId, lastEventId: last > 0 ? String(last) : null },
      {
        onStarted: () => store.setState({ connection: "live" }),
        onData: (envelope) => {
          pending.push(envelope.data as unknown as RunHistoryEvent);
          schedule();
        },
        onConnectionStateChange: (change) => {
          if (change.state === "connecting" && store.getState().connection === "live")
            store.setState({ connection: "reconnecting" });
          if (change.state === "pending") store.setState({ connection: "live" });
        },
        onError: () => {
          // The link gave up: subscribe again from the last event we have, after a pause.
          store.setState({ connection: "reconnecting" });
          subscription?.unsubscribe();
          if (!stopped) setTimeout(() => !stopped && subscribe(), 1000);
        },
      },
    );
  };
  /**
   * The history so far comes in pages from `runs.history` (100,000 events load in about a second that
   * way; one SSE message per event takes ten times as long), then the subscription continues after it.
   */
  const catchUp = async () => {
    let afterSeq = 0;
    for (;;) {
      const page = await api.runs.history.query({ runId, afterSeq, limit: HISTORY_PAGE });
      if (stopped) return;
      for (const event of page.events) pending.push(event as unknown as RunHistoryEvent);
      schedule();
      const last = page.events.at(-1)?.seq;
      if (last === undefined || page.nextSeq === null) return;
      afterSeq = last;
    }
  };
  // A long run opened on its snapshot: drawn at once, its last page read, the subscription goes on from
  // the snapshot's seq.
  const opened = store.getState().model.openedAtSeq > 0;
  if (opened) overlay.setState(deriveOverlay(store.getState().model, options.edges()));
  const opening = opened ? loadLastPage(store) : catchUp();
  void opening
    .catch(() => undefined) // the subscription catches up on its own from where the pages stopped
    .then(() => {
      catchingUp = false;
      flush();
      publishModel(true); // the history is in: its readers draw it at once
      if (!stopped) subscribe();
    });

  return () => {
    stopped = true;
    if (refetchTimer) clearTimeout(refetchTimer);
    if (publishTimer) clearTimeout(publishTimer);
    subscription?.unsubscribe();
  };
}
