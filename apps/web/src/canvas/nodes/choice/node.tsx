import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { EXITS as STATE_EXITS } from "../handle-placement";
import { Pill, StateCard } from "../state-card";

const EXITS = STATE_EXITS.choice;

export const ChoiceNode = memo(function ChoiceNode({ id, data, selected }: NodeProps<StateNode>) {
  const state = data.state;
  if (state.type !== "choice") return null;
  const n = state.choices.length;
  return (
    <StateCard
      id={id}
      type="choice"
      selected={selected}
      exits={EXITS}
      subtitle={
        n === 0
          ? "no branches yet"
          : `${n} branch${n > 1 ? "es" : ""}${state.otherwise ? " + otherwise" : ""}`
      }
      badges={
        n > 0 ? (
          <>
            {state.choices.slice(0, 3).map((rule, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; their order is their identity
              <Pill key={i} tone="amber">
                {rule.label ?? `#${i + 1}`}
              </Pill>
            ))}
            {n > 3 && <Pill>+{n - 3}</Pill>}
          </>
        ) : undefined
      }
    />
  );
});
