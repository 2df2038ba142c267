import type { JsonValue, RunError, RunEvent, RunSnapshot, RunStatus } from "@sagaflow/shared";

/** The one object `--json` prints (SPEC §5). */
export interface RunResult {
  runId: string;
  status: RunStatus;
  output: JsonValue;
  error: RunError | null;
  /** The states entered, in order (branches and iterations included, as they were entered). */
  history: string[];
  /**
   * The tasks whose compensation ran, in the order it ran, by scoped name as the core's simulate names them:
   * `each[1]/ship_item` for map iteration 1, `fan.a/pay` for branch a (a bare id at the top level).
   */
  compensated: string[];
}

/** Built from the checkpoint and the full history (the snapshot's trail is capped, the history is not). */
export function runResult(snapshot: RunSnapshot, events: readonly RunEvent[]): RunResult {
  return {
    runId: snapshot.runId,
    status: snapshot.status,
    output: snapshot.output,
    error: snapshot.error,
    history: events.flatMap((event) => (event.type === "StateEntered" ? [event.stateId] : [])),
    compensated: snapshot.compensated.map((record) =>
      record.scope === "" ? record.taskStateId : `${record.scope}/${record.taskStateId}`,
    ),
  };
}
