import type { ActionCatalog, JsonValue } from "@sagaflow/shared";
import { memo, useEffect, useId, useState } from "react";
import { selectedStateId } from "../../../canvas/panels/inspector";
import { useEditor } from "../../../canvas/store/editor-context";
import { isStateNode } from "../../../canvas/types";
import { parseJson } from "../../../run/ui/json-input";
import { BudgetView } from "./budget-view";
import { EachFailureTable } from "./each-failure-table";
import { OutcomeEditor } from "./outcome-editor";
import { describeOutcome } from "./outcome-kinds";
import { sampleInput } from "./sample-input";
import { type SimulateTab, useSimulate, useSimulateStore } from "./simulate-store";
import { SimulationResultView } from "./simulation-result";

const TABS: { value: SimulateTab; label: string }[] = [
  { value: "simulate", label: "Simulate" },
  { value: "failures", label: "Each failure" },
  { value: "budget", label: "Budget" },
];

/** Simulate mode's side panel: outcomes and input, the simulated run, the failure table, the budget. */
export const SimulatePanel = memo(function SimulatePanel({
  catalog,
  onClose,
}: {
  catalog: ActionCatalog | undefined;
  onClose: () => void;
}) {
  const sim = useSimulateStore();
  const tab = useSimulate((s) => s.tab);
  const inputText = useSimulateInput();
  const input = parseJson(inputText, {});
  return (
    <aside
      className="flex h-full w-[min(400px,34vw)] shrink-0 flex-col overflow-hidden border-slate-200 border-l bg-white"
      data-testid="simulate-panel"
      aria-label="Simulate"
    >
      <div className="flex items-start justify-between gap-2 px-4 pt-3.5 pb-2">
        <div>
          <h2 className="font-semibold text-slate-800 text-sm">Simulate</h2>
          <p className="text-[12px] text-slate-500">
            Runs the workflow as drawn, in this browser: nothing is saved or sent to the server. Effects are
            stubbed and the clock is simulated.
          </p>
        </div>
        <button
          type="button"
          onClick={onClose}
          title="Back to design mode"
          className="rounded-md px-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ✕
        </button>
      </div>
      <div className="flex h-9 shrink-0 items-end gap-1 border-slate-100 border-b px-3" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.value}
            type="button"
            role="tab"
            aria-selected={tab === t.value}
            data-testid={`sim-tab-${t.value}`}
            onClick={() => sim.setState({ tab: t.value })}
            className={`-mb-px border-b-2 px-2.5 pb-2 font-medium text-[12px] ${tab === t.value ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:text-slate-800"}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {/* The budget is static: it takes no input. */}
        {tab !== "budget" && <InputField text={inputText} problem={input.ok ? undefined : input.message} />}
        {tab === "simulate" && (
          <SimulateTabBody catalog={catalog} input={input.ok ? input.value : undefined} />
        )}
        {tab === "failures" && (
          <EachFailureTable catalog={catalog} input={input.ok ? input.value : undefined} />
        )}
        {tab === "budget" && <BudgetView />}
      </div>
    </aside>
  );
});

/** The input as typed, filled from the input schema the first time the panel opens. */
function useSimulateInput(): string {
  const sim = useSimulateStore();
  const stored = useSimulate((s) => s.inputText);
  const schema = useEditor((s) => s.meta.inputSchema);
  const [initial] = useState(() => JSON.stringify(sampleInput(schema), null, 2));
  useEffect(() => {
    if (sim.getState().inputText === undefined) sim.setState({ inputText: initial });
  }, [sim, initial]);
  return stored ?? initial;
}

function InputField({ text, problem }: { text: string; problem: string | undefined }) {
  const sim = useSimulateStore();
  const id = useId();
  return (
    <div className="border-slate-100 border-b px-4 py-3">
      <label
        htmlFor={id}
        className="mb-1 block font-medium text-[11px] text-slate-500 uppercase tracking-wide"
      >
        Input
      </label>
      <textarea
        id={id}
        name="sim-input"
        rows={5}
        spellCheck={false}
        value={text}
        onChange={(event) => sim.setState({ inputText: event.target.value })}
        className={`w-full resize-y rounded-lg border bg-white px-2.5 py-2 font-mono text-[12px] outline-none focus:border-indigo-400 focus:ring-2 focus:ring-indigo-100 ${problem ? "border-rose-300" : "border-slate-200"}`}
      />
      {problem && <span className="mt-1 block text-[11px] text-rose-600">{problem}</span>}
    </div>
  );
}

function SimulateTabBody({
  catalog,
  input,
}: {
  catalog: ActionCatalog | undefined;
  input: JsonValue | undefined;
}) {
  const sim = useSimulateStore();
  const selected = useEditor((s) => selectedStateId(s.nodes));
  const state = useEditor((s) => {
    const node = selected ? s.nodes.find((n) => n.id === selected) : undefined;
    return node && isStateNode(node) ? node.data.state : undefined;
  });
  const outcomes = useSimulate((s) => s.outcomes);
  const playing = useSimulate((s) => s.playing);
  const run = () => {
    const animate = !window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    void sim.simulate({ catalog, input, animate });
  };
  return (
    <div>
      <section className="space-y-3 border-slate-100 border-b px-4 py-3">
        <h3 className="font-semibold text-[11px] text-slate-400 uppercase tracking-wider">Outcomes</h3>
        {selected ? (
          <OutcomeEditor key={selected} stateId={selected} state={state} />
        ) : (
          <p className="text-[12px] text-slate-500">
            Select a state on the canvas to pick what it does: succeed, fail, time out, be slow.
          </p>
        )}
        {Object.keys(outcomes).length > 0 && (
          <ul className="space-y-1" data-testid="sim-outcomes">
            {Object.entries(outcomes).map(([id, outcome]) => (
              <li key={id} className="flex items-center justify-between gap-2 text-[12px]">
                <span className="min-w-0 truncate">
                  <span className="font-mono text-slate-700">{id}</span>{" "}
                  <span className="text-slate-500">{describeOutcome(outcome)}</span>
                </span>
                <button
                  type="button"
                  title={`Let ${id} run as designed`}
                  onClick={() => sim.setOutcome(id, undefined)}
                  className="shrink-0 rounded px-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="flex gap-2">
          <button
            type="button"
            data-testid="sim-run"
            onClick={run}
            className="rounded-lg bg-indigo-600 px-4 py-1.5 font-semibold text-[13px] text-white shadow-sm hover:bg-indigo-500"
          >
            ▶ Simulate
          </button>
          {playing && (
            <button
              type="button"
              data-testid="sim-skip"
              onClick={() => sim.skip()}
              className="rounded-lg border border-slate-200 px-3 py-1.5 text-[13px] text-slate-600 hover:bg-slate-50"
            >
              Skip to the end
            </button>
          )}
        </div>
      </section>
      <SimulationResultView />
    </div>
  );
}
