import type { SimulatedOutcome } from "@sagaflow/engine/core";
import type { State } from "@sagaflow/shared";
import { JsonField, NumberField, SelectField, TextField } from "../../../canvas/panels/form/fields";
import { KIND_LABEL, kindOf, kindsFor, type OutcomeKind, outcomeOfKind } from "./outcome-kinds";
import { useSimulate, useSimulateStore } from "./simulate-store";

/** The outcome of the selected state, in detail (the canvas's quick buttons pick the kind). */
export function OutcomeEditor({ stateId, state }: { stateId: string; state: State | undefined }) {
  const sim = useSimulateStore();
  const outcome = useSimulate((s) => s.outcomes[stateId]);
  const kinds = kindsFor(state);
  if (kinds.length === 0) {
    return (
      <p className="text-[12px] text-slate-500" data-testid="sim-no-outcome">
        A {state?.type ?? "missing"} state has no outcome to pick: what it does follows from the definition
        and the outcomes of the states before it.
      </p>
    );
  }
  const kind = kindOf(outcome);
  const set = (next: SimulatedOutcome | undefined) => sim.setOutcome(stateId, next);
  const patch = (fields: Partial<SimulatedOutcome>) => {
    const next: Record<string, unknown> = { ...outcome, ...fields };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    set(Object.keys(next).length === 0 ? undefined : (next as SimulatedOutcome));
  };
  return (
    <div className="space-y-3" data-testid="sim-outcome-editor">
      <SelectField<OutcomeKind>
        label={`When ${stateId} runs, it…`}
        name="sim-outcome-kind"
        value={kind}
        options={kinds.map((value) => ({ value, label: KIND_LABEL[value] }))}
        placeholder={KIND_LABEL.design}
        onChange={(value) => set(outcomeOfKind(value ?? "design", outcome, state))}
      />
      {kind === "design" && (
        <p className="text-[12px] text-slate-500">
          {state?.type === "signal"
            ? "Nobody sends the signal: the run waits (or takes its timeout)."
            : "Pure built-ins (transform, assert, log, flaky, delay) run for real; any other action is stubbed and succeeds with null."}
        </p>
      )}
      {(kind === "fail" || kind === "failTimes") && (
        <TextField
          label="Error name"
          name="sim-outcome-error"
          mono
          value={outcome?.fail}
          hint="What catch and retryOn match"
          onChange={(value) => patch({ fail: value ?? "" })}
        />
      )}
      {kind === "fail" && (
        <TextField
          label="Message"
          name="sim-outcome-message"
          value={outcome?.message}
          onChange={(value) => patch({ message: value })}
        />
      )}
      {kind === "failTimes" && (
        <NumberField
          label="Failing attempts"
          value={outcome?.failTimes}
          min={0}
          hint="The attempts after these succeed (if the retry policy gets there)"
          onChange={(value) => patch({ failTimes: value ?? 0 })}
        />
      )}
      {kind === "output" && (
        <JsonField
          label="Output"
          value={outcome?.output}
          onChange={(value) => patch({ output: value ?? null })}
        />
      )}
      {kind === "signal" && (
        <>
          <TextField
            label="Signal name"
            name="sim-outcome-signal"
            mono
            value={outcome?.signal?.name}
            onChange={(value) => patch({ signal: { ...outcome?.signal, name: value ?? "" } })}
          />
          <JsonField
            label="Payload"
            value={outcome?.signal?.payload ?? null}
            onChange={(value) =>
              patch({ signal: { name: outcome?.signal?.name ?? "", payload: value ?? null } })
            }
          />
        </>
      )}
      {(kind === "slow" || kind === "output" || kind === "fail" || kind === "signal") && (
        <TextField
          label={kind === "signal" ? "Arrives after" : "Each attempt takes"}
          name="sim-outcome-delay"
          mono
          placeholder="0s"
          value={outcome?.delay === undefined ? undefined : String(outcome.delay)}
          hint={kind === "signal" ? undefined : "Longer than the step's timeout: the attempt times out"}
          onChange={(value) => patch({ delay: value })}
        />
      )}
    </div>
  );
}
