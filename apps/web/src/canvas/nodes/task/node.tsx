import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode } from "../../types";
import { TimerGlyph } from "../glyphs";
import { EXITS as STATE_EXITS } from "../handle-placement";
import { Pill, StateCard } from "../state-card";

const EXITS = STATE_EXITS.task;

export const TaskNode = memo(function TaskNode({ id, data, selected }: NodeProps<StateNode>) {
  const state = data.state;
  if (state.type !== "task") return null;
  const attempts = state.retry?.maxAttempts ?? 1;
  return (
    <StateCard
      id={id}
      type="task"
      selected={selected}
      exits={EXITS}
      subtitle={<span className="font-mono">{state.action}</span>}
      badges={
        <>
          {state.end && <Pill tone="emerald">end</Pill>}
          {attempts > 1 && <Pill tone="amber">retry ×{attempts}</Pill>}
          {state.timeout !== undefined && (
            <Pill>
              <TimerGlyph />
              {String(state.timeout)}
            </Pill>
          )}
          {typeof state.compensateWith === "string" && <Pill tone="violet">↩ {state.compensateWith}</Pill>}
          {state.onError && state.onError !== "compensate" && (
            <Pill tone="rose">on error: {state.onError}</Pill>
          )}
          {state.idempotent && <Pill tone="indigo">idempotent</Pill>}
        </>
      }
    />
  );
});
