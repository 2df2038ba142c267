import type { MapState, ParallelState, TaskState } from "@sagaflow/shared";
import { CatchFields, OnErrorField } from "../panels/form/catch-fields";
import { type PanelProps, patch } from "./panel-props";

/** The states that can fail as a whole: what happens then (`onError`) and where a failure may go (`catch`). */
type FailingState = TaskState | MapState | ParallelState;

export function ErrorHandlingFields({
  state,
  update,
  targets,
}: Pick<PanelProps<FailingState>, "state" | "update" | "targets">) {
  return (
    <>
      <OnErrorField value={state.onError} onChange={(v) => update(patch(state, "onError", v))} />
      <CatchFields value={state.catch} targets={targets} onChange={(v) => update(patch(state, "catch", v))} />
    </>
  );
}
