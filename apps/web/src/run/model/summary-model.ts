import { indexDefinition } from "@sagaflow/engine/core";
import type { Definition, RunSnapshot } from "@sagaflow/shared";
import {
  type CompensationTraceEntry,
  createRunModel,
  mirrorRun,
  type RunModel,
  type StepRecord,
  transitionKey,
} from "./run-model";
import { COMPENSATION_STEP } from "./run-projections";

/**
 * A run model built from the server's snapshot instead of from every event, so a run with 100,000 events
 * opens at once: the snapshot is the fold of the history (the engine's invariant), and it keeps per state
 * what the canvas draws (status, visits, attempts, last error, output). What only the events tell (each
 * attempt, each visit's span, which edge each transition took) is unknown before `openedAtSeq`; events
 * after it fold in as usual (`foldIntoRunModel`). The full fold is one click away (time travel).
 */
export function runModelFromSnapshot(
  runId: string,
  snapshot: RunSnapshot,
  definition: Definition | null,
  at: { seq: number; at: string },
): RunModel {
  const model = createRunModel(runId);
  model.snapshot = snapshot;
  model.lastSeq = at.seq;
  model.lastAt = at.at;
  model.openedAtSeq = at.seq;
  const index = definition ? indexDefinition(definition) : undefined;
  const scopeEnded = Object.values(snapshot.scopes).some((scope) => scope.status !== "running");
  const runEnded = snapshot.endedAt !== null;

  for (const [stateId, info] of Object.entries(snapshot.stateRuns)) {
    const stateType = index?.state(stateId)?.type ?? "";
    let status: StepRecord["status"] =
      stateType === "compensation" ? (COMPENSATION_STEP[info.status] ?? info.status) : info.status;
    // `succeed`/`fail` states end with their scope and the engine's records keep them running (as in the fold).
    if (status === "running" && (runEnded || scopeEnded) && (stateType === "succeed" || stateType === "fail"))
      status = stateType === "succeed" ? "succeeded" : "failed";
    const current = Object.values(snapshot.scopes).find((scope) => scope.current === stateId);
    model.steps[stateId] = {
      stateId,
      stateType,
      scope: current?.id ?? "",
      visits: info.visits,
      status,
      firstEnteredAt: info.firstStartedAt,
      lastEnteredAt: current?.enteredAt ?? info.firstStartedAt,
      endedAt: status === "running" || status === "waiting" ? null : (info.lastEndedAt ?? snapshot.endedAt),
      attempts: [],
      output: snapshot.steps[stateId],
      error: info.lastError,
      caughtError: null,
      idempotencyKey: info.idempotencyKey,
      params: undefined,
      resolvedBy: null,
      signal: null,
      firstSeq: 0,
      spans: [],
    };
  }

  model.compensations = snapshot.compensated.map(
    (record, i): CompensationTraceEntry => ({
      order: i + 1,
      taskStateId: record.taskStateId,
      compensationStateId: record.compensationStateId,
      scope: record.scope,
      visit: record.visit,
      status: record.resolvedBy ? "resolved" : "succeeded",
      attempts: [],
      startedAt: snapshot.startedAt,
      endedAt: snapshot.endedAt,
      error: null,
      output: snapshot.steps[record.compensationStateId],
      resolvedBy: record.resolvedBy ?? null,
    }),
  );
  const failed = snapshot.compensation?.failed;
  if (failed) {
    model.compensations.push({
      order: model.compensations.length + 1,
      taskStateId: failed.taskStateId,
      compensationStateId: failed.compensationStateId,
      scope: "",
      visit: 1,
      status: "failed",
      attempts: [],
      startedAt: snapshot.startedAt,
      endedAt: null,
      error: failed.error,
      output: undefined,
      resolvedBy: null,
    });
  }

  // The trail (the last states entered) gives the latest transitions; the canvas draws those it has edges for.
  for (let i = 1; i < snapshot.trail.length; i++) {
    const from = snapshot.trail[i - 1]!;
    const to = snapshot.trail[i]!;
    model.transitions[transitionKey(from, to)] = { from, to, via: { kind: "next" } };
  }
  mirrorRun(model);
  return model;
}
