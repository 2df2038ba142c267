import type { ChoiceState } from "@sagaflow/shared";
import { ExpressionField, Section, SmallButton, TextField } from "../../panels/form/fields";
import { TargetSelect } from "../../panels/form/target-select";
import { type PanelProps, patch } from "../panel-props";

type Rule = ChoiceState["choices"][number];
const withLabel = ({ label: _label, ...rule }: Rule, label: string | undefined): Rule =>
  label ? { ...rule, label } : rule;

export function ChoicePanel({ id, state, update, targets }: PanelProps<ChoiceState>) {
  /** A new branch from the inspector: a condition to fill in, going to the first other state for now. */
  const addBranch = () =>
    update({
      ...state,
      choices: [
        ...state.choices,
        {
          when: "{% true %}",
          next: targets.find((t) => t !== id) ?? "",
          label: `branch ${state.choices.length + 1}`,
        },
      ],
    });
  const setRule = (i: number, rule: Partial<ChoiceState["choices"][number]>) =>
    update({ ...state, choices: state.choices.map((r, j) => (j === i ? { ...r, ...rule } : r)) });
  const move = (i: number, by: number) => {
    const choices = [...state.choices];
    const [rule] = choices.splice(i, 1);
    if (rule) choices.splice(i + by, 0, rule);
    update({ ...state, choices });
  };
  return (
    <>
      <Section
        title="Branches — the first true condition wins"
        aside={
          <SmallButton tone="indigo" onClick={addBranch}>
            + Add branch
          </SmallButton>
        }
      >
        {state.choices.length === 0 && (
          <p className="text-[12px] text-slate-400">Add a branch here, or drag from the amber handle.</p>
        )}
        {state.choices.map((rule, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: rules are ordered and have no id
            key={i}
            className="space-y-2 rounded-lg border border-amber-100 bg-amber-50/40 p-2.5"
            data-rule={i}
          >
            <ExpressionField
              label={`#${i + 1} when`}
              name={`when-${i}`}
              required
              value={rule.when}
              onChange={(v) => setRule(i, { when: v ?? "" })}
            />
            <div className="grid grid-cols-2 gap-2">
              <TextField
                label="Label"
                value={rule.label}
                onChange={(v) =>
                  update({ ...state, choices: state.choices.map((r, j) => (j === i ? withLabel(r, v) : r)) })
                }
              />
              <TargetSelect
                label="Go to"
                value={rule.next}
                targets={targets}
                onChange={(v) => v && setRule(i, { next: v })}
              />
            </div>
            <div className="flex gap-1.5">
              {i > 0 && <SmallButton onClick={() => move(i, -1)}>↑</SmallButton>}
              {i < state.choices.length - 1 && <SmallButton onClick={() => move(i, 1)}>↓</SmallButton>}
              <SmallButton
                tone="rose"
                onClick={() => update({ ...state, choices: state.choices.filter((_, j) => j !== i) })}
              >
                Remove
              </SmallButton>
            </div>
          </div>
        ))}
      </Section>
      <Section title="Otherwise">
        <TargetSelect
          label="When no condition holds"
          value={state.otherwise}
          targets={targets}
          onChange={(v) => update(patch(state, "otherwise", v))}
        />
      </Section>
    </>
  );
}
