import type { RunEvent } from "@sagaflow/shared";
import type { RunOverlayStore } from "../../../canvas/store/run-overlay";
import type { FlowEdge } from "../../../canvas/types";
import { deriveOverlay } from "../../../run/model/overlay";
import {
  createRunModel,
  foldIntoRunModel,
  type RunHistoryEvent,
  type RunModel,
} from "../../../run/model/run-model";

/**
 * Plays a simulated history on the canvas the way the run view draws a live run: the same fold into the
 * same model, the same overlay. It advances one visible change at a time (a state entered, an attempt
 * ended, a compensation step) so a person can follow the path and the compensation trace; a whole run
 * takes about two seconds however long it is.
 */

/** Events after which the canvas shows something new: a frame ends there. */
const VISIBLE: ReadonlySet<RunEvent["type"]> = new Set<RunEvent["type"]>([
  "StateEntered",
  "StepSucceeded",
  "StepAttemptFailed",
  "StepTimedOut",
  "StepWarned",
  "TimerStarted",
  "SignalAwaited",
  "CompensationStepStarted",
  "CompensationStepSucceeded",
  "CompensationStepFailed",
]);

/** Where each frame ends (exclusive index into the history); the last frame ends with the history. */
export function frameEnds(events: readonly RunHistoryEvent[]): number[] {
  const ends: number[] = [];
  events.forEach((stored, i) => {
    if (VISIBLE.has(stored.event.type)) ends.push(i + 1);
  });
  if (ends.at(-1) !== events.length) ends.push(events.length);
  return ends.filter((end) => end > 0);
}

export interface PlaybackOptions {
  events: readonly RunHistoryEvent[];
  overlay: RunOverlayStore;
  edges: () => readonly FlowEdge[];
  /** After each frame is drawn: the model so far and how many events it holds. */
  onFrame: (model: RunModel, shown: number) => void;
  /** About how long the whole run takes on screen; 0 draws the end at once. */
  totalMs?: number;
}

export interface Playback {
  /** Draws the end at once. */
  skip(): void;
  stop(): void;
}

const FRAME_MIN_MS = 40;
const FRAME_MAX_MS = 320;

export function play(options: PlaybackOptions): Playback {
  const { events, overlay } = options;
  const model = createRunModel(events[0]?.runId ?? "simulation");
  const ends = frameEnds(events);
  const totalMs = options.totalMs ?? 2000;
  const frameMs = Math.min(FRAME_MAX_MS, Math.max(FRAME_MIN_MS, totalMs / Math.max(1, ends.length)));
  // Very long histories draw several frames per tick rather than taking minutes.
  const perTick = Math.max(1, Math.ceil((ends.length * frameMs) / Math.max(totalMs, 1)));
  let frame = 0;
  let shown = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  overlay.setState({ nodes: {}, edges: {}, dimUnreached: false });

  const drawUpTo = (end: number) => {
    for (; shown < end; shown += 1) foldIntoRunModel(model, events[shown] as RunHistoryEvent);
    overlay.setState(deriveOverlay(model, options.edges(), overlay.getState()));
    options.onFrame(model, shown);
  };
  const tick = () => {
    timer = undefined;
    frame = Math.min(ends.length, frame + perTick);
    drawUpTo(ends[frame - 1] ?? events.length);
    if (frame < ends.length) timer = setTimeout(tick, frameMs);
  };
  const skip = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    frame = ends.length;
    drawUpTo(events.length);
  };
  if (totalMs <= 0) skip();
  else tick();
  return {
    skip,
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
