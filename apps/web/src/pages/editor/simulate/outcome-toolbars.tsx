import { NodeToolbar, Position } from "@xyflow/react";
import { memo, useMemo } from "react";
import { selectedStateId } from "../../../canvas/panels/inspector";
import { useEditor, useEditorStore } from "../../../canvas/store/editor-context";
import { isStateNode } from "../../../canvas/types";
import {
  describeOutcome,
  KIND_LABEL,
  kindOf,
  kindsFor,
  type OutcomeKind,
  outcomeOfKind,
} from "./outcome-kinds";
import { useSimulate, useSimulateStore } from "./simulate-store";

/**
 * Outcomes picked on the canvas: above the selected state, one button per outcome it can have; above every
 * other state with an outcome, a chip saying what it will do.
 */
export const OutcomeToolbars = memo(function OutcomeToolbars() {
  const selected = useEditor((s) => selectedStateId(s.nodes));
  const outcomes = useSimulate((s) => s.outcomes);
  // The ids on the canvas change with the content only (the revision), not with every drag or select.
  const store = useEditorStore();
  const revision = useEditor((s) => s.revision);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  const ids = useMemo(
    () =>
      new Set(
        store
          .getState()
          .nodes.filter(isStateNode)
          .map((n) => n.id),
      ),
    [store, revision],
  );
  return (
    <>
      {Object.entries(outcomes)
        .filter(([id]) => id !== selected && ids.has(id))
        .map(([id, outcome]) => (
          <NodeToolbar key={id} nodeId={id} isVisible position={Position.Top} offset={6}>
            <span
              data-testid={`sim-chip-${id}`}
              className="rounded-full bg-slate-800 px-2 py-0.5 font-medium text-[11px] text-white shadow"
            >
              {describeOutcome(outcome)}
            </span>
          </NodeToolbar>
        ))}
      {selected && <QuickPicker key={selected} stateId={selected} />}
    </>
  );
});

const QUICK: { kind: OutcomeKind; label: string; glyph: string }[] = [
  { kind: "design", label: "Succeeds", glyph: "✓" },
  { kind: "fail", label: "Fails", glyph: "✕" },
  { kind: "timeout", label: "Times out", glyph: "◷" },
  { kind: "slow", label: "Slow", glyph: "…" },
  { kind: "signal", label: "Signal arrives", glyph: "✉" },
];

function QuickPicker({ stateId }: { stateId: string }) {
  const sim = useSimulateStore();
  const state = useEditor((s) => {
    const node = s.nodes.find((n) => n.id === stateId);
    return node && isStateNode(node) ? node.data.state : undefined;
  });
  const outcome = useSimulate((s) => s.outcomes[stateId]);
  const kinds = kindsFor(state);
  if (kinds.length === 0) return null;
  const current = kindOf(outcome);
  return (
    <NodeToolbar nodeId={stateId} isVisible position={Position.Top} offset={6}>
      <div
        role="toolbar"
        aria-label={`Outcome of ${stateId}`}
        data-testid="sim-quick-picker"
        className="flex items-center gap-0.5 rounded-lg border border-slate-200 bg-white p-0.5 shadow-md"
      >
        {QUICK.filter((q) => kinds.includes(q.kind)).map((q) => (
          <button
            key={q.kind}
            type="button"
            title={KIND_LABEL[q.kind]}
            aria-pressed={current === q.kind}
            data-testid={`sim-quick-${q.kind}`}
            onClick={() => sim.setOutcome(stateId, outcomeOfKind(q.kind, outcome, state))}
            className={`rounded-md px-2 py-0.5 text-[11px] ${current === q.kind ? "bg-slate-800 text-white" : "text-slate-600 hover:bg-slate-100"}`}
          >
            <span aria-hidden>{q.glyph}</span> {q.label}
          </button>
        ))}
      </div>
    </NodeToolbar>
  );
}
