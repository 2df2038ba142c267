import type { State } from "@sagaflow/shared";
import { EDGE_STYLE } from "../edges/edge-style";
import { useEditor, useEditorStore } from "../store/editor-context";
import type { EdgeKind, StateNodeData } from "../types";
import { ExpressionField, Section, SmallButton, TextField } from "./form/fields";

const KIND_TEXT: Record<EdgeKind, { title: string; hint: string }> = {
  next: { title: "Next", hint: "Where the flow goes when the state succeeds." },
  choice: { title: "Choice branch", hint: "Taken when its condition is true (the first true one wins)." },
  otherwise: { title: "Otherwise", hint: "Taken when no condition of the choice holds." },
  catch: { title: "Catch", hint: "Taken when the state fails with one of these errors (after retries)." },
  compensation: {
    title: "Compensate with",
    hint: "If a later step fails, this compensation undoes the task.",
  },
  timeout: { title: "On timeout", hint: "Taken when the signal does not arrive in time." },
};

/** One selected transition: what it means, and the words it carries (a condition, the errors caught). */
export function EdgeInspector({ id }: { id: string }) {
  const store = useEditorStore();
  const edge = useEditor((s) => s.edges.find((e) => e.id === id));
  const source = useEditor((s) =>
    edge ? (s.nodes.find((n) => n.id === edge.source)?.data as StateNodeData | undefined) : undefined,
  );
  if (!edge?.data || !source) return null;
  const { kind, index } = edge.data;
  const state = source.state;
  const update = (next: State) => store.getState().updateState(edge.source, next);
  const text = KIND_TEXT[kind];
  const rule = state.type === "choice" && index !== undefined ? state.choices[index] : undefined;
  const catcher =
    (state.type === "task" || state.type === "parallel" || state.type === "map") && index !== undefined
      ? state.catch?.[index]
      : undefined;

  return (
    <div data-testid="edge-inspector">
      <div className="px-4 pt-4 pb-3">
        <div className="flex items-center gap-2">
          <span className="h-0.5 w-6 rounded" style={{ background: EDGE_STYLE[kind].stroke }} />
          <span className="font-semibold text-slate-800 text-sm">{text.title}</span>
        </div>
        <div className="mt-1 font-mono text-[12px] text-slate-600">
          {edge.source} → {edge.target}
        </div>
        <p className="mt-1 text-[12px] text-slate-500">{text.hint}</p>
      </div>
      {rule && state.type === "choice" && index !== undefined && (
        <Section title={`Condition #${index + 1}`}>
          <ExpressionField
            label="When"
            required
            value={rule.when}
            onChange={(when) =>
              update({
                ...state,
                choices: state.choices.map((r, i) => (i === index ? { ...r, when: when ?? "" } : r)),
              })
            }
          />
          <TextField
            label="Label"
            value={rule.label}
            onChange={(label) =>
              update({
                ...state,
                choices: state.choices.map((r, i) => {
                  if (i !== index) return r;
                  const { label: _old, ...rest } = r;
                  return label ? { ...rest, label } : rest;
                }),
              })
            }
          />
        </Section>
      )}
      {catcher &&
        (state.type === "task" || state.type === "parallel" || state.type === "map") &&
        index !== undefined && (
          <Section title="Errors caught">
            <TextField
              label="Error names (comma-separated, * for any)"
              mono
              value={catcher.errors.join(", ")}
              onChange={(v) => {
                const errors = (v ?? "*")
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean);
                update({
                  ...state,
                  catch: (state.catch ?? []).map((c, i) =>
                    i === index ? { ...c, errors: errors.length ? errors : ["*"] } : c,
                  ),
                });
              }}
            />
          </Section>
        )}
      <Section title="Actions">
        <div className="flex gap-1.5">
          <SmallButton onClick={() => store.getState().select(edge.source)}>Select {edge.source}</SmallButton>
          <SmallButton tone="rose" onClick={() => store.getState().deleteSelection()}>
            Delete transition
          </SmallButton>
        </div>
      </Section>
    </div>
  );
}
