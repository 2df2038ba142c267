import type { MapState } from "@sagaflow/shared";
import { ExpressionField, NumberField, Section } from "../../panels/form/fields";
import { TargetSelect } from "../../panels/form/target-select";
import { ErrorHandlingFields } from "../error-handling-fields";
import { type PanelProps, patch } from "../panel-props";

export function MapPanel({ id, state, update, targets, scopes }: PanelProps<MapState>) {
  return (
    <>
      <Section title="Iteration">
        <ExpressionField
          label="Items"
          required
          value={typeof state.items === "string" ? state.items : JSON.stringify(state.items)}
          onChange={(v) => update({ ...state, items: v ?? "" })}
        />
        <NumberField
          label="At most at once"
          min={1}
          value={state.maxConcurrency}
          placeholder="1"
          onChange={(v) => update(patch(state, "maxConcurrency", v))}
        />
        <TargetSelect
          label="Each iteration starts at"
          value={state.iterator.startAt || undefined}
          targets={scopes[id] ?? []}
          placeholder="— drop a state in —"
          onChange={(v) => update({ ...state, iterator: { ...state.iterator, startAt: v ?? "" } })}
        />
      </Section>
      <Section title="Flow">
        <TargetSelect
          label="Next"
          value={state.next}
          targets={targets}
          onChange={(v) => update(patch(state, "next", v))}
        />
        <ErrorHandlingFields state={state} update={update} targets={targets} />
      </Section>
    </>
  );
}
