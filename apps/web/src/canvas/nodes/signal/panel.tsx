import type { SignalState } from "@sagaflow/shared";
import { Section, TextField } from "../../panels/form/fields";
import { TargetSelect } from "../../panels/form/target-select";
import { type PanelProps, patch } from "../panel-props";

export function SignalPanel({ state, update, targets }: PanelProps<SignalState>) {
  return (
    <>
      <Section title="Waits for">
        <TextField
          label="Signal name"
          mono
          value={state.signal}
          onChange={(v) => update({ ...state, signal: v ?? "" })}
          hint="Send it from the run view, the API or `sagaflow signal`."
        />
        <TextField
          label="Timeout"
          value={state.timeout?.toString()}
          placeholder="none"
          onChange={(v) => update(patch(state, "timeout", v))}
        />
      </Section>
      <Section title="Flow">
        <TargetSelect
          label="Next"
          value={state.next}
          targets={targets}
          onChange={(v) => update(patch(state, "next", v))}
        />
        <TargetSelect
          label="On timeout"
          value={state.onTimeout}
          targets={targets}
          extra={[{ value: "fail", label: "fail the run" }]}
          onChange={(v) => update(patch(state, "onTimeout", v))}
        />
      </Section>
    </>
  );
}
