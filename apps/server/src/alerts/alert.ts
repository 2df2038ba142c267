/** A run that needs a person: its compensation exhausted its retries (SPEC §2, compensation chain). */
export interface Alert {
  kind: "compensation_failed";
  runId: string;
  workflow: string;
  version: number;
  /** The compensation state that failed, when the event names it. */
  stateId?: string;
  message: string;
  at: string;
}

/** The event payload fields the engine puts on `CompensationFailed`; all optional to stay lenient. */
interface CompensationFailedFields {
  stateId?: unknown;
  compensationStateId?: unknown;
  error?: unknown;
  message?: unknown;
}

export function alertFromEvent(
  run: { id: string; workflow: string; version: number },
  event: CompensationFailedFields,
  at: string,
): Alert {
  const stateId = [event.compensationStateId, event.stateId].find((v): v is string => typeof v === "string");
  const reason =
    describeError(event.error) ?? (typeof event.message === "string" ? event.message : undefined);
  return {
    kind: "compensation_failed",
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    ...(stateId ? { stateId } : {}),
    message:
      `Run ${run.id} of ${run.workflow} v${run.version}: compensation${stateId ? ` ${stateId}` : ""} failed` +
      `${reason ? ` (${reason})` : ""}; retry the compensation or resolve it by hand.`,
    at,
  };
}

function describeError(error: unknown): string | undefined {
  if (typeof error === "string") return error;
  if (error && typeof error === "object") {
    const { error: name, message } = error as { error?: unknown; message?: unknown };
    if (typeof name === "string") return typeof message === "string" ? `${name}: ${message}` : name;
  }
  return undefined;
}
