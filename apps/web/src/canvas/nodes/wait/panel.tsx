import type { WaitState } from "@sagaflow/shared";
import { ExpressionField, Section, TextField } from "../../panels/form/fields";
import { TargetSelect } from "../../panels/form/target-select";
import { type PanelProps, patch } from "../panel-props";

export function WaitPanel({ state, update, targets }: PanelProps<WaitState>) {
  return (
    <>
      <Section title="Timer — survives restarts">
        <TextField
          label="Duration"
          value={state.duration?.toString()}
          placeholder="5m"
          hint="250ms, 30s, 5m, 2h, 1d"
          onChange={(v) => update(patch(state, "duration", v))}
        />
        <ExpressionField
          label="Or until (ISO time)"
          value={state.until}
          onChange={(v) => update(patch(state, "until", v))}
          placeholder="{% $input.notBefore %}"
        />
      </Section>
      <Section title="Flow">
        <TargetSelect
          label="Next"
          value={state.next}
          targets={targets}
          onChange={(v) => update(patch(state, "next", v))}
        />
      </Section>
    </>
  );
}
