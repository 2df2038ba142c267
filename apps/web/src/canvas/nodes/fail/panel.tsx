import type { FailState } from "@sagaflow/shared";
import { CheckboxField, Section, TextField } from "../../panels/form/fields";
import { type PanelProps, patch } from "../panel-props";

export function FailPanel({ state, update }: PanelProps<FailState>) {
  return (
    <Section title="Failure">
      <TextField
        label="Error name"
        mono
        value={state.error}
        placeholder="Failed"
        onChange={(v) => update(patch(state, "error", v))}
      />
      <TextField label="Message" value={state.message} onChange={(v) => update(patch(state, "message", v))} />
      <CheckboxField
        label="Compensate"
        hint="Undo completed tasks before the run ends."
        checked={state.compensate !== false}
        onChange={(v) => update(patch(state, "compensate", v ? undefined : false))}
      />
    </Section>
  );
}
