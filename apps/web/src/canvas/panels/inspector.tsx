import { type ActionCatalog, STATE_ID_PATTERN, type State } from "@sagaflow/shared";
import { memo, useCallback, useMemo } from "react";
import { patch } from "../nodes/panel-props";
import { statePanels } from "../nodes/panels";
import { StateIcon } from "../nodes/state-icon";
import { STATE_STYLES } from "../nodes/state-style";
import { useEditor, useEditorStore } from "../store/editor-context";
import { type FlowEdge, type FlowNode, isStateNode, type StateNodeData } from "../types";
import { EdgeInspector } from "./edge-inspector";
import { CommitField, NumberField, Section, SmallButton, TextField } from "./form/fields";
import { WorkflowSettings } from "./workflow-settings";

export const selectedStateId = (nodes: readonly FlowNode[]): string | undefined => {
  let found: string | undefined;
  for (const node of nodes) {
    if (node.selected && isStateNode(node)) {
      if (found) return undefined; // several selected: nothing to inspect
      found = node.id;
    }
  }
  return found;
};

const selectedEdgeId = (edges: readonly FlowEdge[]): string | undefined => {
  const selected = edges.filter((e) => e.selected);
  return selected.length === 1 ? selected[0]?.id : undefined;
};

/** The right-hand panel: the selected state's form, or the workflow's settings when nothing is selected. */
export const Inspector = memo(function Inspector({ catalog }: { catalog: ActionCatalog | undefined }) {
  const id = useEditor((s) => selectedStateId(s.nodes));
  const edgeId = useEditor((s) => (id ? undefined : selectedEdgeId(s.edges)));
  return (
    <aside
      className="flex h-full w-full min-w-0 flex-col overflow-y-auto overflow-x-hidden border-slate-200 border-l bg-white"
      data-testid="inspector"
    >
      {id ? (
        <StateInspector key={id} id={id} catalog={catalog} />
      ) : edgeId ? (
        <EdgeInspector key={edgeId} id={edgeId} />
      ) : (
        <WorkflowSettings />
      )}
    </aside>
  );
});

function StateInspector({ id, catalog }: { id: string; catalog: ActionCatalog | undefined }) {
  const store = useEditorStore();
  const data = useEditor((s) => s.nodes.find((n) => n.id === id)?.data as StateNodeData | undefined);
  const revision = useEditor((s) => s.revision);
  const isStart = useEditor((s) => s.starts[id] === true);
  const readOnly = useEditor((s) => s.readOnly);

  // Scope facts change only with the content, not with drags.
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  const scope = useMemo(() => {
    const nodes = store.getState().nodes;
    const self = nodes.find((n) => n.id === id);
    const siblings = nodes.filter((n) => isStateNode(n) && n.parentId === self?.parentId);
    const children: Record<string, string[]> = {};
    for (const n of nodes) {
      if (n.parentId && isStateNode(n)) children[n.parentId] = [...(children[n.parentId] ?? []), n.id];
    }
    return {
      targets: siblings.filter((n) => n.type !== "compensation").map((n) => n.id),
      compensations: siblings.filter((n) => n.type === "compensation").map((n) => n.id),
      children,
    };
  }, [store, id, revision]);

  const update = useCallback((state: State) => store.getState().updateState(id, state), [store, id]);
  if (!data) return null;
  const state = data.state;
  const style = STATE_STYLES[state.type];
  const Panel = statePanels[state.type];

  return (
    <div className={readOnly ? "pointer-events-none opacity-70" : ""}>
      <div className="flex items-center gap-2.5 px-4 pt-4 pb-3">
        <div className={`flex h-9 w-9 items-center justify-center rounded-xl ${style.chip}`}>
          <StateIcon type={state.type} />
        </div>
        <div className="min-w-0 flex-1">
          <div className="font-semibold text-slate-800 text-sm">{style.label}</div>
          <div className="text-[12px] text-slate-500">{style.hint}</div>
        </div>
      </div>
      <div className="space-y-3 px-4 pb-3.5">
        <CommitField
          label="State id"
          name="state-id"
          value={id}
          validate={(v) =>
            STATE_ID_PATTERN.test(v) ? undefined : "Letters, digits and _, not starting with a digit"
          }
          onCommit={(v) => store.getState().renameState(id, v)}
          hint="Expressions read this state's output as $steps.<id>."
        />
        <div className="flex gap-1.5">
          {!isStart && state.type !== "compensation" && (
            <SmallButton tone="indigo" onClick={() => store.getState().setStart(id)}>
              Set as start
            </SmallButton>
          )}
          <SmallButton tone="rose" onClick={() => store.getState().deleteSelection()}>
            Delete
          </SmallButton>
        </div>
      </div>
      <Panel
        id={id}
        state={state}
        update={update}
        targets={scope.targets}
        compensations={scope.compensations}
        scopes={scope.children}
        catalog={catalog}
      />
      <Section title="More">
        <TextField
          label="Comment"
          value={state.comment}
          onChange={(comment) => update(patch(state, "comment", comment))}
        />
        <NumberField
          label="Max visits per run"
          min={1}
          value={state.maxVisits}
          placeholder="100"
          onChange={(v) => update(patch(state, "maxVisits", v))}
        />
      </Section>
    </div>
  );
}
