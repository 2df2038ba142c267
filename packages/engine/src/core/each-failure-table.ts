import type { FailureReport } from "./each-failure";

/**
 * The "What if each step fails?" table as words, one row per task: what `sagaflow test --each-failure`
 * prints and what the designer shows, from one place so the two never disagree.
 */

export interface FailureRow {
  task: string;
  /** The run's end status, or "not reached" when this input never gets to the task. */
  ends: string;
  /** `1. charge_payment, 2. reserve_stock`, or "—". */
  compensations: string;
  /** The completed writes nothing undid (`⚠ name`, or `name (no undo declared)`), or "—". */
  leftUndone: string;
  path: string;
  /** A write is left undone that does not say `"compensateWith": null`. */
  warn: boolean;
}

export const FAILURE_TABLE_HEADER = ["task", "ends", "compensations run", "left undone", "path"] as const;

export function failureRow(report: FailureReport): FailureRow {
  return {
    task: report.stateId,
    ends: report.reached ? report.status : "not reached",
    compensations:
      report.compensated.length === 0
        ? "—"
        : report.compensated.map((name, i) => `${i + 1}. ${name}`).join(", "),
    leftUndone:
      report.uncompensated.length === 0
        ? "—"
        : report.uncompensated
            .map((e) => (e.declaredNoUndo ? `${e.name} (no undo declared)` : `⚠ ${e.name}`))
            .join(", "),
    path: report.path.join(" → "),
    warn: report.uncompensated.some((effect) => !effect.declaredNoUndo),
  };
}

/** The compensation-coverage lint, proven by running: some failure leaves a write nobody undoes. */
export function leavesWritesUndone(reports: readonly FailureReport[]): boolean {
  return reports.some((report) => failureRow(report).warn);
}
