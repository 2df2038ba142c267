import type { TaskState } from "@sagaflow/shared";
import { ActionParams } from "../../panels/form/action-params";
import { CheckboxField, Section, SelectField, TextField } from "../../panels/form/fields";
import { RetryFields } from "../../panels/form/retry-fields";
import { TargetSelect } from "../../panels/form/target-select";
import { ErrorHandlingFields } from "../error-handling-fields";
import { type PanelProps, patch } from "../panel-props";

export function TaskPanel({ state, update, targets, compensations, catalog }: PanelProps<TaskState>) {
  const compensation = state.compensateWith === null ? "__none" : (state.compensateWith ?? undefined);
  return (
    <>
      <Section title="Action">
        <ActionParams
          action={state.action}
          params={state.params}
          catalog={catalog}
          onAction={(action, params) => update(patch({ ...state, action }, "params", params))}
          onParams={(params) => update(patch(state, "params", params))}
        />
      </Section>
      <Section title="Flow">
        <TargetSelect
          label="Next"
          name="next"
          value={state.next}
          targets={targets}
          onChange={(v) => update(patch(patch(state, "next", v), "end", v ? undefined : state.end))}
        />
        <CheckboxField
          label="Ends the workflow"
          checked={state.end === true}
          onChange={(end) =>
            update(patch(patch(state, "end", end ? true : undefined), "next", end ? undefined : state.next))
          }
        />
      </Section>
      <Section title="Saga">
        <TargetSelect
          label="Compensate with"
          name="compensateWith"
          value={compensation}
          targets={compensations}
          extra={[{ value: "__none", label: "nothing to undo (on purpose)" }]}
          onChange={(v) => update(patch(state, "compensateWith", v === "__none" ? null : v))}
        />
        <ErrorHandlingFields state={state} update={update} targets={targets} />
      </Section>
      <Section title="Reliability">
        <div className="grid grid-cols-2 gap-2.5">
          <TextField
            label="Timeout"
            value={state.timeout?.toString()}
            placeholder="60s"
            onChange={(v) => update(patch(state, "timeout", v))}
          />
          <SelectField
            label="Effect"
            value={state.effect}
            placeholder="action's default"
            options={[
              { value: "none", label: "none (read-only)" },
              { value: "write", label: "write" },
            ]}
            onChange={(v) => update(patch(state, "effect", v))}
          />
        </div>
        <RetryFields
          value={state.retry}
          defaultAttempts={1}
          onChange={(v) => update(patch(state, "retry", v))}
        />
        <CheckboxField
          label="Idempotent"
          hint="Safe to run again after a crash with the same idempotency key."
          checked={state.idempotent === true}
          onChange={(v) => update(patch(state, "idempotent", v ? true : undefined))}
        />
      </Section>
    </>
  );
}
