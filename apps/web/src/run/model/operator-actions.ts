import type { RunSnapshot, RunStatus } from "@sagaflow/shared";

/** Which operator actions apply to a run now (the engine refuses the others; we do not offer them). */
export interface AvailableActions {
  cancel: boolean;
  resume: boolean;
  retryCompensation: boolean;
  /** "Compensate now": it stopped without undoing completed steps that have compensations. */
  compensate: boolean;
  /** The stuck step a person may mark done (a task, or the failed compensation). */
  resolve: { stateId: string; compensation: boolean } | null;
  restore: boolean;
  /** Signals the run waits for now. */
  signals: { name: string; stateId: string; approval: boolean }[];
}

/** A signal is offered as Approve / Reject when its name or comment speaks of an approval. */
const APPROVAL = /approv|decision/i;

export function availableActions(
  status: RunStatus,
  snapshot:
    | (Pick<RunSnapshot, "awaiting" | "suspension" | "compensation" | "scopes"> &
        Partial<Pick<RunSnapshot, "compensationStack">>)
    | null,
  stateComments: Record<string, string | undefined> = {},
): AvailableActions {
  const corrupt = snapshot?.suspension?.reason === "corrupt_history";
  const failedCompensation = snapshot?.compensation?.failed;
  let resolve: AvailableActions["resolve"] = null;
  if (status === "compensation_failed" && failedCompensation)
    resolve = { stateId: failedCompensation.compensationStateId, compensation: true };
  else if ((status === "suspended" || status === "failed") && !corrupt) {
    const stateId = snapshot?.suspension?.stateId ?? snapshot?.scopes?.[""]?.current ?? null;
    if (stateId) resolve = { stateId, compensation: false };
  }
  const live = status === "running" || status === "waiting";
  return {
    cancel: live || status === "suspended",
    resume: (status === "failed" || status === "suspended" || status === "canceled") && !corrupt,
    retryCompensation: status === "compensation_failed",
    compensate:
      (status === "failed" || status === "canceled") &&
      !snapshot?.compensation &&
      (snapshot?.compensationStack?.length ?? 0) > 0,
    resolve,
    restore: corrupt,
    signals: live
      ? Object.values(snapshot?.awaiting ?? {}).map((a) => ({
          name: a.signal,
          stateId: a.stateId,
          approval: APPROVAL.test(a.signal) || APPROVAL.test(stateComments[a.stateId] ?? ""),
        }))
      : [],
  };
}
