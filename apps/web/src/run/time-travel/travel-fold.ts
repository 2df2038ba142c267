import { formatWorkflowState } from "@sagaflow/engine/core";
import type { Definition } from "@sagaflow/shared";
import { createRunModel, foldIntoRunModel, type RunHistoryEvent, type RunModel } from "../model/run-model";

/**
 * The run as of any event, for the time-travel scrubber: the history folded with the run view's fold (the
 * engine's `applyEvent` plus the view's projections), no second interpreter. Folding 100,000 events takes
 * a few hundred ms, so the fold keeps a checkpoint every `CHECKPOINT_EVERY` events and a seek folds at most
 * that many from the nearest one. Runs in a Web Worker (travel-worker.ts); pure, so it is tested in Node.
 *
 * A checkpoint keeps each state's latest `KEEP_PER_STATE` attempts and spans (what the Gantt and the
 * inspector draw): a loop of 20,000 visits would otherwise copy 20,000 attempts into every checkpoint.
 * Such a model says so with `openedAtSeq` (counts then come from the engine's per-state records).
 */

export const CHECKPOINT_EVERY = 1000;
export const KEEP_PER_STATE = 100;

export interface TravelPoint {
  seq: number;
  model: RunModel;
  /** The Workflow State Format as of `seq`; null before RunStarted or without the definition. */
  stateFormat: string | null;
}

export class TravelFold {
  /** By seq - 1 (seqs run 1..n). */
  private readonly events: RunHistoryEvent[] = [];
  /** checkpoints[k]: the model through seq k × `every`. */
  private readonly checkpoints: RunModel[];
  /** Folds every event as it arrives; a checkpoint is copied from it. */
  private readonly head: RunModel;
  /** The model of the last seek, folded on by the next one when it lies ahead within the same checkpoint. */
  private cursor: RunModel;

  constructor(
    private readonly runId: string,
    private readonly definition: Definition | null,
    private readonly every = CHECKPOINT_EVERY,
  ) {
    this.head = createRunModel(runId);
    this.checkpoints = [createRunModel(runId)];
    this.cursor = createRunModel(runId);
  }

  /** Events folded so far (they arrive in seq order, from 1). */
  get length(): number {
    return this.events.length;
  }

  append(events: readonly RunHistoryEvent[]): void {
    for (const event of events) {
      if (event.seq !== this.events.length + 1) continue; // already in, or a gap (never: pages come in order)
      this.events.push(event);
      foldIntoRunModel(this.head, event);
      if (event.seq % this.every === 0) this.checkpoints.push(trimmedCopy(this.head));
    }
  }

  /** The run as of event `seq` (clamped to what has arrived). */
  at(seq: number): TravelPoint {
    const target = Math.max(0, Math.min(seq, this.events.length));
    const base = Math.floor(target / this.every);
    const from = this.cursor.lastSeq;
    // Fold on from the last seek when it lies ahead (stepping, playing); else from the nearest checkpoint.
    if (from > target || from < base * this.every) this.cursor = structuredClone(this.checkpoints[base]!);
    for (let s = this.cursor.lastSeq + 1; s <= target; s++)
      foldIntoRunModel(this.cursor, this.events[s - 1]!);
    return { seq: target, model: trimmedCopy(this.cursor), stateFormat: this.stateFormat(this.cursor) };
  }

  private stateFormat(model: RunModel): string | null {
    const snapshot = model.snapshot;
    if (!snapshot || !this.definition) return null;
    const record = { id: this.runId, workflow: snapshot.workflow, version: snapshot.version, snapshot };
    try {
      return formatWorkflowState(this.definition, record as Parameters<typeof formatWorkflowState>[1]);
    } catch {
      return null;
    }
  }
}

/** A deep copy with each state's latest attempts and spans only. */
export function trimmedCopy(model: RunModel): RunModel {
  let trimmed = false;
  const steps: RunModel["steps"] = {};
  for (const [id, step] of Object.entries(model.steps)) {
    if (step.attempts.length <= KEEP_PER_STATE && step.spans.length <= KEEP_PER_STATE) {
      steps[id] = step;
      continue;
    }
    trimmed = true;
    steps[id] = {
      ...step,
      attempts: step.attempts.slice(-KEEP_PER_STATE),
      spans: step.spans.slice(-KEEP_PER_STATE),
    };
  }
  const copy = structuredClone({ ...model, steps });
  if (trimmed && copy.openedAtSeq === 0) copy.openedAtSeq = model.lastSeq;
  return copy;
}
