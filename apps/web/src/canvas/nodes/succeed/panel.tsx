import type { SucceedState } from "@sagaflow/shared";
import { JsonField, Section } from "../../panels/form/fields";
import { type PanelProps, patch } from "../panel-props";

export function SucceedPanel({ state, update }: PanelProps<SucceedState>) {
  return (
    <Section title="Output">
      <JsonField
        label="Output (JSON, strings may be {% … %})"
        value={state.output}
        onChange={(v) => update(patch(state, "output", v))}
        hint="Leave empty to pass the last output on."
      />
    </Section>
  );
}
