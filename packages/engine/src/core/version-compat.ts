import type { Definition, JsonValue, RunSnapshot, RunStatus } from "@sagaflow/shared";
import { InvalidOperationError } from "../errors";
import { diffDefinitions, flattenStates, type StateChange } from "./definition-diff";

/**
 * Whether a stopped run can go on on another version of its workflow, and what will happen if it does:
 * the answer a person reads before anything runs (`runs.resume { version }`, `sagaflow resume --version`,
 * the run view's "Resume on vN"). Pure: the designer shows the same report the engine enforces.
 *
 * The rules (docs/semantics.md, "Resume on another version"):
 * - states are matched by id; completed work is kept with its outputs and never runs again;
 * - refused when the new version lacks a state that holds completed work (a task, parallel or map that
 *   succeeded), the state where the run continues, the container of a live branch or iteration, or the
 *   compensation of a completed step that has one (its undo would be lost);
 * - each completed step is undone, if the run compensates later, by the new version's `compensateWith`.
 */
export interface CompatibilityReport {
  runId: string;
  workflow: string;
  from: number;
  to: number;
  compatible: boolean;
  /** Why the move is refused, one sentence each; empty when compatible. */
  refusals: string[];
  /** Completed steps kept, with the outputs later states see as `$steps`. */
  kept: { stateId: string; output: JsonValue }[];
  /** States added, removed or changed between the versions. */
  changed: StateChange[];
  /** Where the run goes on: the state of each scope it redrives, or the compensation it retries. */
  continueAt: { scope: string; stateId: string }[];
  /** The compensation each completed step on the stack gets in the new version. */
  compensations: CompensationMapping[];
}

export interface CompensationMapping {
  taskStateId: string;
  scope: string;
  visit: number;
  before: string;
  /** null: the new version has none (a refusal). */
  after: string | null;
}

/** Statuses a run can be resumed (and so moved) from. */
export const MOVABLE_STATUSES: readonly RunStatus[] = [
  "failed",
  "suspended",
  "canceled",
  "compensation_failed",
];

const WORK_TYPES = new Set(["task", "parallel", "map"]);

export function checkVersionMove(
  snapshot: RunSnapshot,
  before: Definition,
  after: Definition,
  to: number,
): CompatibilityReport {
  const refusals: string[] = [];
  const v = `v${to}`;
  const oldStates = flattenStates(before);
  const newStates = flattenStates(after);
  if (after.name !== snapshot.workflow) {
    refusals.push(`${v} belongs to workflow "${after.name}", not "${snapshot.workflow}"`);
  }
  if (!MOVABLE_STATUSES.includes(snapshot.status)) {
    refusals.push(
      `the run is ${snapshot.status}; only a failed, suspended, canceled or compensation_failed run can move`,
    );
  }
  if (snapshot.suspension?.reason === "corrupt_history") {
    refusals.push("the run's history is corrupt; restore it first");
  }

  const kept: CompatibilityReport["kept"] = [];
  for (const [stateId, info] of Object.entries(snapshot.stateRuns)) {
    const type = oldStates.get(stateId)?.type;
    const done = info.status === "succeeded" || info.status === "warned";
    if (!done || !type || !WORK_TYPES.has(type)) continue;
    if (!newStates.has(stateId))
      refusals.push(`"${stateId}" holds completed work and ${v} has no such state`);
    else if (newStates.get(stateId)?.type !== type) {
      refusals.push(
        `"${stateId}" holds completed work as a ${type} state; in ${v} it is a ${newStates.get(stateId)?.type}`,
      );
    }
    if (stateId in snapshot.steps) kept.push({ stateId, output: snapshot.steps[stateId] ?? null });
  }

  for (const scope of Object.values(snapshot.scopes)) {
    if (!scope.owner) continue;
    const container = newStates.get(scope.owner.stateId);
    const { branch } = scope.owner;
    const fits =
      branch === undefined
        ? container?.type === "map"
        : container?.type === "parallel" && branch in container.branches;
    if (!fits && scope.status !== "succeeded") {
      const what = branch === undefined ? "map" : `parallel with branch "${branch}"`;
      refusals.push(`the run has work inside "${scope.owner.stateId}" and ${v} has no such ${what}`);
    }
  }

  const continueAt = continuePoints(snapshot);
  for (const point of continueAt) {
    if (!newStates.has(point.stateId)) {
      refusals.push(`the run goes on at "${point.stateId}" and ${v} has no such state`);
    }
  }

  const compensations: CompensationMapping[] = [];
  for (const entry of snapshot.compensationStack) {
    const task = newStates.get(entry.taskStateId);
    const target = task?.type === "task" ? task.compensateWith : undefined;
    const after = target && newStates.get(target)?.type === "compensation" ? target : null;
    compensations.push({
      taskStateId: entry.taskStateId,
      scope: entry.scope,
      visit: entry.visit,
      before: entry.compensationStateId,
      after,
    });
    if (!after && task) {
      refusals.push(
        `"${entry.taskStateId}" completed and is undone by "${entry.compensationStateId}"; ${v} gives it no compensation`,
      );
    }
  }

  return {
    runId: snapshot.runId,
    workflow: snapshot.workflow,
    from: snapshot.version,
    to,
    compatible: refusals.length === 0,
    refusals: [...new Set(refusals)],
    kept,
    changed: diffDefinitions(before, after).states,
    continueAt,
    compensations,
  };
}

/** The states a resume starts again: failed and canceled scopes' states, a suspended step, or the failed compensation. */
function continuePoints(snapshot: RunSnapshot): { scope: string; stateId: string }[] {
  const failed = snapshot.compensation?.failed;
  if (snapshot.status === "compensation_failed" && failed) {
    const top = snapshot.compensationStack[snapshot.compensationStack.length - 1];
    return [{ scope: top?.scope ?? "", stateId: top?.taskStateId ?? failed.taskStateId }];
  }
  const points: { scope: string; stateId: string }[] = [];
  for (const scope of Object.values(snapshot.scopes)) {
    const stopped =
      scope.status === "failed" || scope.status === "canceled" || snapshot.status === "suspended";
    if (stopped && scope.status !== "succeeded" && scope.current) {
      points.push({ scope: scope.id, stateId: scope.current });
    }
  }
  return points;
}

/** The compensation state ids a move changes, for RunMovedToVersion (the fold rewrites the stack with them). */
export function remappedCompensations(
  report: CompatibilityReport,
): { taskStateId: string; from: string; to: string }[] {
  const seen = new Set<string>();
  const remapped: { taskStateId: string; from: string; to: string }[] = [];
  for (const mapping of report.compensations) {
    if (!mapping.after || mapping.after === mapping.before) continue;
    const key = `${mapping.taskStateId}\u0000${mapping.before}`;
    if (seen.has(key)) continue;
    seen.add(key);
    remapped.push({ taskStateId: mapping.taskStateId, from: mapping.before, to: mapping.after });
  }
  return remapped;
}

/** The report as lines a person reads (the command line, error messages). */
export function describeVersionMove(report: CompatibilityReport): string[] {
  const lines = [`${report.workflow}: v${report.from} → v${report.to}`];
  if (!report.compatible) {
    lines.push("refused:");
    for (const refusal of report.refusals) lines.push(`  - ${refusal}`);
  }
  lines.push(`kept (not run again): ${report.kept.map((k) => k.stateId).join(", ") || "nothing"}`);
  const changed = report.changed.map((c) =>
    c.change === "changed" ? `${c.stateId} (${c.fields.join(", ")})` : `${c.stateId} (${c.change})`,
  );
  lines.push(`changed states: ${changed.join(", ") || "none"}`);
  lines.push(`continues at: ${report.continueAt.map((p) => p.stateId).join(", ") || "nothing"}`);
  for (const c of report.compensations) {
    lines.push(
      `  ${c.taskStateId} is undone by ${c.after ?? "nothing (refused)"}${c.after !== c.before ? ` (was ${c.before})` : ""}`,
    );
  }
  return lines;
}

/** A move the compatibility check refuses: nothing was written; `report` lists why. */
export class VersionMoveRefusedError extends InvalidOperationError {
  override name = "VersionMoveRefusedError";
  constructor(readonly report: CompatibilityReport) {
    super(`Run ${report.runId} cannot move to v${report.to}: ${report.refusals.join("; ")}`);
  }
}
