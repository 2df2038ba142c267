import type { ParallelState } from "@sagaflow/shared";
import { Section, SmallButton } from "../../panels/form/fields";
import { TargetSelect } from "../../panels/form/target-select";
import { useEditorStore } from "../../store/editor-context";
import { branchNodeId } from "../../types";
import { ErrorHandlingFields } from "../error-handling-fields";
import { type PanelProps, patch } from "../panel-props";

export function ParallelPanel({ id, state, update, targets, scopes }: PanelProps<ParallelState>) {
  const store = useEditorStore();
  return (
    <>
      <Section
        title="Branches — run together"
        aside={
          <SmallButton tone="indigo" onClick={() => store.getState().addBranch(id)}>
            + Branch
          </SmallButton>
        }
      >
        {Object.entries(state.branches).map(([name, branch]) => (
          <div
            key={name}
            className="flex items-end gap-2 rounded-lg border border-teal-100 bg-teal-50/40 p-2.5"
          >
            <div className="flex-1">
              <TargetSelect
                label={`${name}: starts at`}
                value={branch.startAt || undefined}
                targets={scopes[branchNodeId(id, name)] ?? []}
                placeholder="— drop a state in —"
                onChange={(v) =>
                  update({
                    ...state,
                    branches: { ...state.branches, [name]: { ...branch, startAt: v ?? "" } },
                  })
                }
              />
            </div>
            <SmallButton tone="rose" onClick={() => store.getState().removeBranch(id, name)}>
              Remove
            </SmallButton>
          </div>
        ))}
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
