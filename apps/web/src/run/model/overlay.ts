import type { EdgeRunStatus, NodeRunPhase, NodeRunStatus, RunOverlay } from "../../canvas/store/run-overlay";
import type { FlowEdge } from "../../canvas/types";
import type { CompensationTraceEntry, RunModel, StepRecord, StepStatus, TakenTransition } from "./run-model";

/**
 * The canvas overlay of a run, derived from its model (n8n's useCanvasMapping idea): a status per node
 * and per edge, never written into the definition. Entries that did not change keep their identity, so
 * only the nodes whose status moved re-render.
 */

const PHASE: Record<StepStatus, NodeRunPhase> = {
  running: "active",
  retrying: "active",
  waiting: "waiting",
  succeeded: "succeeded",
  failed: "failed",
  warned: "warned",
  canceled: "warned",
  compensating: "compensating",
  compensated: "compensated",
  compensation_failed: "compensation_failed",
};

const COMPENSATION_PHASE: Record<CompensationTraceEntry["status"], EdgeRunStatus["compensationPhase"]> = {
  running: "running",
  retrying: "running",
  succeeded: "done",
  resolved: "done",
  failed: "failed",
};

function durationOf(step: StepRecord): number | undefined {
  if (!step.endedAt) return undefined;
  return Math.max(0, Date.parse(step.endedAt) - Date.parse(step.lastEnteredAt));
}

function nodeStatus(step: StepRecord, order: number | undefined, attempts: number): NodeRunStatus {
  const durationMs = durationOf(step);
  return {
    phase: PHASE[step.status],
    ...(attempts > 0 ? { attempts } : {}),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(order === undefined ? {} : { compensationOrder: order }),
  };
}

/** The edge a taken transition ran along: the one whose kind matches what decided it, else any between the two. */
function edgeOfTransition(
  candidates: readonly FlowEdge[],
  via: TakenTransition["via"],
): FlowEdge | undefined {
  const matches = (edge: FlowEdge) => {
    const kind = edge.data?.kind;
    switch (via.kind) {
      case "choice":
        return via.rule === null ? kind === "otherwise" : kind === "choice" && edge.data?.index === via.rule;
      case "catch":
        return kind === "catch";
      case "timeout":
        return kind === "timeout";
      case "next":
        return kind === "next";
    }
  };
  return candidates.find(matches) ?? candidates.find((e) => e.data?.kind !== "compensation");
}

const sameRecord = <T extends object>(a: T | undefined, b: T): boolean => {
  if (!a) return false;
  const keys = Object.keys(b) as (keyof T)[];
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
};

export function deriveOverlay(
  model: RunModel,
  edges: readonly FlowEdge[],
  previous?: RunOverlay,
): RunOverlay {
  // The compensation trace: the latest order per compensation state (a loop may undo one task twice).
  const orderOfCompensation = new Map<string, CompensationTraceEntry>();
  for (const record of model.compensations) orderOfCompensation.set(record.compensationStateId, record);

  const nodes: Record<string, NodeRunStatus> = {};
  for (const step of Object.values(model.steps)) {
    // A model opened from the snapshot has not seen the early attempts: the engine's record counts them.
    // (A compensation's attempts are drawn on its trace entry, not its node.)
    const attempts =
      model.openedAtSeq > 0 && step.stateType !== "compensation"
        ? Math.max(step.attempts.length, model.snapshot?.stateRuns[step.stateId]?.attempts ?? 0)
        : step.attempts.length;
    const next = nodeStatus(step, orderOfCompensation.get(step.stateId)?.order, attempts);
    const before = previous?.nodes[step.stateId];
    nodes[step.stateId] = before && sameRecord(before, next) ? before : next;
  }

  const byEnds = new Map<string, FlowEdge[]>();
  for (const edge of edges) {
    const key = `${edge.source}->${edge.target}`;
    const list = byEnds.get(key);
    if (list) list.push(edge);
    else byEnds.set(key, [edge]);
  }

  const edgeStatus: Record<string, EdgeRunStatus> = {};
  for (const transition of Object.values(model.transitions)) {
    const edge = edgeOfTransition(byEnds.get(`${transition.from}->${transition.to}`) ?? [], transition.via);
    if (edge) edgeStatus[edge.id] = { taken: true };
  }
  for (const record of orderOfCompensation.values()) {
    const edge = (byEnds.get(`${record.taskStateId}->${record.compensationStateId}`) ?? []).find(
      (e) => e.data?.kind === "compensation",
    );
    if (!edge) continue;
    const phase = COMPENSATION_PHASE[record.status];
    edgeStatus[edge.id] = {
      ...edgeStatus[edge.id],
      compensationOrder: record.order,
      ...(phase ? { compensationPhase: phase } : {}),
    };
  }
  for (const [id, next] of Object.entries(edgeStatus)) {
    const before = previous?.edges[id];
    if (before && sameRecord(before, next)) edgeStatus[id] = before;
  }

  return { nodes, edges: edgeStatus, dimUnreached: model.lastSeq > 0 };
}
