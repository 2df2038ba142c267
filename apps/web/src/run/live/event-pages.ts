import { api } from "../../lib/trpc";
import type { RunHistoryEvent } from "../model/run-model";
import type { RunSessionStore } from "./run-session";

/**
 * A long run's events, a page at a time, as the event list needs them (the run view opens on the snapshot
 * and the last page: 100,000 events are never read just to open it). Pages already read or being read are
 * not asked for again.
 */

const PAGE = 500;
/** The events shown on open: the latest ones. */
const LAST_PAGE = 200;

const requested = new WeakMap<RunSessionStore, Set<number>>();

/** Writes events into their places (by seq) and tells the list. */
export function fillEvents(store: RunSessionStore, events: readonly RunHistoryEvent[]): void {
  if (events.length === 0) return;
  const state = store.getState();
  for (const event of events) state.events[event.seq - 1] = event;
  const last = events.at(-1)?.seq ?? 0;
  store.setState({ eventsVersion: state.eventsVersion + 1, eventCount: Math.max(state.eventCount, last) });
}

export async function loadLastPage(store: RunSessionStore): Promise<void> {
  const { runId, eventCount } = store.getState();
  const page = await api.runs.history.query({ runId, beforeSeq: eventCount + 1, limit: LAST_PAGE });
  fillEvents(store, page.events as unknown as RunHistoryEvent[]);
}

/** Reads the pages holding seqs `from`..`to` that have holes. */
export function requestEvents(store: RunSessionStore, from: number, to: number): void {
  const asked = requested.get(store) ?? new Set<number>();
  requested.set(store, asked);
  const { events, runId } = store.getState();
  for (let page = Math.floor((from - 1) / PAGE); page <= Math.floor((to - 1) / PAGE); page++) {
    if (asked.has(page)) continue;
    const first = page * PAGE + 1;
    let hole = false;
    for (let seq = first; seq <= Math.min(to, first + PAGE - 1) && !hole; seq++) hole = !events[seq - 1];
    if (!hole) continue;
    asked.add(page);
    api.runs.history
      .query({ runId, afterSeq: first - 1, limit: PAGE })
      .then((result) => fillEvents(store, result.events as unknown as RunHistoryEvent[]))
      .catch(() => asked.delete(page)); // asked again when the rows come back into view
  }
}
