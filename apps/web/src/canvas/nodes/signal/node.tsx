import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { TimerGlyph } from "../glyphs";
import { EXITS as STATE_EXITS } from "../handle-placement";
import { Pill, StateCard } from "../state-card";

const EXITS = STATE_EXITS.signal;

export const SignalNode = memo(function SignalNode({ id, data, selected }: NodeProps<StateNode>) {
  const state = data.state;
  if (state.type !== "signal") return null;
  return (
    <StateCard
      id={id}
      type="signal"
      selected={selected}
      exits={EXITS}
      subtitle={
        <>
          awaits <span className="font-mono">{state.signal}</span>
        </>
      }
      badges={
        state.timeout !== undefined ? (
          <Pill>
            <TimerGlyph />
            {String(state.timeout)}
          </Pill>
        ) : undefined
      }
    />
  );
});
