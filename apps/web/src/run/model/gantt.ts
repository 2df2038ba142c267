import type { AttemptOutcome, RunModel } from "./run-model";

/** The Gantt of a run: a row per state (and per compensation), a bar per attempt or visit. */

export type BarTone = AttemptOutcome | "waiting" | "done" | "compensation";

export interface GanttBar {
  startMs: number;
  /** null while it runs: drawn up to "now". */
  endMs: number | null;
  tone: BarTone;
  label: string;
  seq: number;
}

export interface GanttRow {
  key: string;
  stateId: string;
  label: string;
  compensation: boolean;
  bars: GanttBar[];
}

export interface Gantt {
  startMs: number;
  endMs: number;
  rows: GanttRow[];
}

const time = (iso: string) => Date.parse(iso);

/** A row draws its latest bars only: a loop of 30,000 visits must not put 30,000 buttons in the DOM. */
export const MAX_BARS_PER_ROW = 300;

/** `now` is the right edge of a run still going (passed in: this stays pure). */
export function buildGantt(model: RunModel, now: number): Gantt {
  const startMs = model.startedAt ? time(model.startedAt) : now;
  const rows: GanttRow[] = [];
  const steps = Object.values(model.steps)
    .filter((step) => step.stateType !== "compensation" && step.spans.length > 0)
    .sort((a, b) => a.firstSeq - b.firstSeq);
  for (const step of steps) {
    const bars: GanttBar[] =
      step.attempts.length > 0
        ? step.attempts.slice(-MAX_BARS_PER_ROW).map((a) => ({
            startMs: time(a.startedAt),
            endMs: a.endedAt ? time(a.endedAt) : null,
            tone: a.outcome,
            label: `${step.stateId} · visit ${a.visit} · attempt ${a.attempt}${a.error ? ` · ${a.error.error}` : ""}`,
            seq: a.seq,
          }))
        : step.spans.slice(-MAX_BARS_PER_ROW).map((span, i) => ({
            startMs: time(span.startedAt),
            endMs: span.endedAt ? time(span.endedAt) : null,
            tone: span.endedAt ? "done" : "waiting",
            label: `${step.stateId} · visit ${Math.max(0, step.spans.length - MAX_BARS_PER_ROW) + i + 1}`,
            seq: span.seq,
          }));
    rows.push({
      key: step.stateId,
      stateId: step.stateId,
      label: step.stateId,
      compensation: false,
      bars,
    });
  }
  for (const record of model.compensations) {
    rows.push({
      key: `compensation:${record.order}`,
      stateId: record.compensationStateId,
      label: `${record.order}. ↩ ${record.compensationStateId}`,
      compensation: true,
      bars: record.attempts.map((a) => ({
        startMs: time(a.startedAt),
        endMs: a.endedAt ? time(a.endedAt) : null,
        tone: a.outcome === "succeeded" ? "compensation" : a.outcome,
        label: `${record.compensationStateId} (undoing ${record.taskStateId}) · attempt ${a.attempt}${a.error ? ` · ${a.error.error}` : ""}`,
        seq: a.seq,
      })),
    });
  }
  let endMs = model.endedAt ? time(model.endedAt) : now;
  for (const row of rows) for (const bar of row.bars) endMs = Math.max(endMs, bar.endMs ?? bar.startMs);
  return { startMs, endMs: Math.max(endMs, startMs + 1), rows };
}
