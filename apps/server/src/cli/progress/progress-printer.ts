import type { RunEvent } from "@sagaflow/shared";
import {
  initialProgress,
  nextProgress,
  type ProgressEvent,
  type ProgressOptions,
  type ProgressState,
  replayProgress,
} from "./progress-lines";

/** Feeds committed events to the pure progress fold, one state per run, and writes the lines at once. */
export interface ProgressPrinter {
  /** Picks a run up where its history stands, printing nothing for what already happened. */
  catchUp(runId: string, history: readonly ProgressEvent[]): void;
  print(runId: string, event: ProgressEvent): void;
}

export function createProgressPrinter(
  write: (line: string) => void,
  options: ProgressOptions,
): ProgressPrinter {
  const states = new Map<string, ProgressState>();
  return {
    catchUp(runId, history) {
      states.set(runId, { ...replayProgress(history, options), runId });
    },
    print(runId, event) {
      const step = nextProgress(states.get(runId) ?? initialProgress(runId), event, options);
      states.set(runId, step.state);
      for (const line of step.lines) write(line);
    },
  };
}

/** The commands progress lines suggest for recovery, pointing at the database the user named. */
export function commandsFor(db: string): ProgressOptions {
  return {
    resumeCommand: (runId) => `sagaflow resume ${runId} --db ${db}`,
    signalCommand: (runId, signal) => `sagaflow signal ${runId} ${signal} --db ${db}`,
  };
}

/** A stored event as the progress fold reads it. */
export function progressEvent(stored: { seq: number; at: string; event: unknown }): ProgressEvent {
  return { seq: stored.seq, at: stored.at, event: stored.event as RunEvent };
}
