import type { TravelPoint } from "./travel-fold";

/** Time travel as the session store holds it (null there while the view follows the run live). */
export interface TravelState {
  /** Events read and folded by the worker so far. */
  loaded: number;
  /** The last seq of the run (grows while a live run goes on). */
  total: number;
  /** The event the user chose (the slider moves at once; `point` follows when the worker answers). */
  seq: number;
  /**
   * The state the inspector shows: the chosen event's (so a drag does not re-select on the canvas at every
   * frame), until a state is picked by hand (`select` clears it).
   */
  inspect: string | null;
  /** The run as of the last answered seek; null until the first answer. */
  point: TravelPoint | null;
  /** Events per second while playing (1× = 10 events/s, 10× = 100), 0 when paused. */
  playing: 0 | 1 | 10;
  /** The time the worker took for the last seek, ms (the bench reads it). */
  foldMs: number;
  /** The worker's time folding the history so far (checkpoints included), ms. */
  historyFoldMs: number;
}

/** 1× replays this many events per second. */
export const EVENTS_PER_SECOND = 10;
