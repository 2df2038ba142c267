import type { CompensationState } from "@sagaflow/shared";
import { ActionParams } from "../../panels/form/action-params";
import { Section, TextField } from "../../panels/form/fields";
import { RetryFields } from "../../panels/form/retry-fields";
import { type PanelProps, patch } from "../panel-props";

export function CompensationPanel({ state, update, catalog }: PanelProps<CompensationState>) {
  return (
    <>
      <Section title="Undo action">
        <p className="text-[12px] text-slate-500">
          Runs when a later step fails, for each task that links here. Its params may read{" "}
          <code className="text-violet-700">$steps</code>.
        </p>
        <ActionParams
          action={state.action}
          params={state.params}
          catalog={catalog}
          onAction={(action, params) => update(patch({ ...state, action }, "params", params))}
          onParams={(params) => update(patch(state, "params", params))}
        />
      </Section>
      <Section title="Reliability">
        <TextField
          label="Timeout"
          value={state.timeout?.toString()}
          placeholder="60s"
          onChange={(v) => update(patch(state, "timeout", v))}
        />
        <RetryFields
          value={state.retry}
          defaultAttempts={5}
          onChange={(v) => update(patch(state, "retry", v))}
        />
      </Section>
    </>
  );
}
