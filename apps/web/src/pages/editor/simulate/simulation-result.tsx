import type { JsonValue } from "@sagaflow/shared";
import { useEffect, useRef, useState } from "react";
import { selectedStateId } from "../../../canvas/panels/inspector";
import { useEditor } from "../../../canvas/store/editor-context";
import { downloadText } from "../../../lib/download";
import { toast } from "../../../lib/toast";
import { formatDuration, StatusBadge } from "../../../run/ui/status";
import { scenarioFile, scenarioFileName, scenarioName, scenarioOf } from "./scenario-file";
import { useSimulate, useSimulateStore } from "./simulate-store";

/**
 * The simulated run as it plays: its status, the path so far, the numbered compensation trace, the
 * output or error, and the selected state's attempts. Once it has ended, it can be saved as a scenario.
 */
export function SimulationResultView() {
  const problems = useSimulate((s) => s.problems);
  const result = useSimulate((s) => s.result);
  // The model is folded in place; `frame` says a new frame was drawn.
  useSimulate((s) => s.frame);
  const model = useSimulateStore().getState().model;
  const shown = useSimulate((s) => s.shown);
  const playing = useSimulate((s) => s.playing);
  // A new simulation brings its result into view: the status and the trace are what the click was for.
  const top = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) top.current?.scrollIntoView({ block: "start" });
  }, [result]);

  if (problems.length > 0) {
    return (
      <section className="px-4 py-3" data-testid="sim-problems">
        <ul className="space-y-1 rounded-lg bg-rose-50 px-3 py-2 text-[12px] text-rose-700">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </section>
    );
  }
  if (!result || !model) return null;
  const path = result.history
    .slice(0, shown)
    .flatMap((entry) => (entry.event.type === "StateEntered" ? [entry.event.stateId] : []));
  const atShown = result.history[Math.max(0, shown - 1)]?.at;
  const elapsed = atShown ? Date.parse(atShown) - Date.parse(result.history[0]?.at ?? atShown) : 0;
  return (
    <div data-testid="sim-result" ref={top}>
      <section className="space-y-2 border-slate-100 border-b px-4 py-3">
        <div className="flex items-center gap-2">
          <span data-testid="sim-status" data-status={playing ? "playing" : model.status}>
            <StatusBadge status={model.status} large />
          </span>
          <span className="text-[12px] text-slate-500" title="Simulated time: no real time passed">
            after {formatDuration(elapsed)} (simulated)
          </span>
        </div>
        <Path steps={path} />
      </section>
      {model.compensations.length > 0 && (
        <section className="space-y-1.5 border-slate-100 border-b px-4 py-3">
          <h3 className="font-semibold text-[11px] text-slate-400 uppercase tracking-wider">
            Compensation trace
          </h3>
          <ol className="space-y-1" data-testid="sim-trace">
            {model.compensations.map((entry) => (
              <li
                key={`${entry.order}`}
                data-order={entry.order}
                data-task={entry.taskStateId}
                className="flex items-center gap-2 text-[12px]"
              >
                <span className="flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-violet-500 font-semibold text-[10px] text-white">
                  {entry.order}
                </span>
                <span className="font-mono text-slate-700">{entry.taskStateId}</span>
                <span className="text-slate-400">↩</span>
                <span className="font-mono text-violet-700">{entry.compensationStateId}</span>
                <span className="text-slate-400">{entry.status}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
      {!playing && <Ending output={model.status === "succeeded" ? model.output : undefined} />}
      <SelectedStep />
      {!playing && <SaveScenario />}
    </div>
  );
}

function Path({ steps }: { steps: string[] }) {
  return (
    <ol className="flex flex-wrap items-center gap-1 text-[11px]" data-testid="sim-path" aria-label="Path">
      {steps.map((step, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a loop enters the same state again
        <li key={i} className="flex items-center gap-1">
          {i > 0 && <span className="text-slate-300">→</span>}
          <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">{step}</span>
        </li>
      ))}
    </ol>
  );
}

function Ending({ output }: { output: JsonValue | undefined }) {
  const error = useSimulate((s) => s.result?.snapshot.error ?? null);
  const status = useSimulate((s) => s.result?.snapshot.status);
  return (
    <section className="space-y-1.5 border-slate-100 border-b px-4 py-3">
      <h3 className="font-semibold text-[11px] text-slate-400 uppercase tracking-wider">
        {status === "succeeded" ? "Output" : "Error"}
      </h3>
      {status === "succeeded" ? (
        <Json value={output ?? null} testId="sim-output" />
      ) : error ? (
        <p className="text-[12px] text-rose-700" data-testid="sim-error">
          <span className="font-mono font-semibold">{error.error}</span>: {error.message}
        </p>
      ) : (
        <p className="text-[12px] text-slate-500" data-testid="sim-error">
          The run rests here: {status}. Pick an outcome for the state it waits on.
        </p>
      )}
    </section>
  );
}

/** What the selected state did in the simulation: its attempts, output or error. */
function SelectedStep() {
  const selected = useEditor((s) => selectedStateId(s.nodes));
  useSimulate((s) => s.frame);
  const model = useSimulateStore().getState().model;
  const step = selected ? model?.steps[selected] : undefined;
  if (!selected || !model) return null;
  return (
    <section className="space-y-1.5 border-slate-100 border-b px-4 py-3" data-testid="sim-step">
      <h3 className="font-semibold text-[11px] text-slate-400 uppercase tracking-wider">{selected}</h3>
      {!step ? (
        <p className="text-[12px] text-slate-500">Not reached in this simulation.</p>
      ) : (
        <>
          <p className="text-[12px] text-slate-600">
            {step.status}
            {step.attempts.length > 0 &&
              ` · ${step.attempts.length} attempt${step.attempts.length > 1 ? "s" : ""}: ${step.attempts
                .map((a) => (a.error ? a.error.error : a.outcome))
                .join(", ")}`}
            {step.visits > 1 && ` · ${step.visits} visits`}
          </p>
          {step.error && (
            <p className="text-[12px] text-rose-700">
              <span className="font-mono font-semibold">{step.error.error}</span>: {step.error.message}
            </p>
          )}
          {step.output !== undefined && <Json value={step.output} />}
        </>
      )}
    </section>
  );
}

function Json({ value, testId }: { value: JsonValue; testId?: string }) {
  return (
    <pre
      data-testid={testId}
      className="max-h-48 overflow-auto rounded-lg bg-slate-50 px-2.5 py-2 font-mono text-[11px] text-slate-700"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** Downloads the simulation as a scenario file `sagaflow test` runs in CI. */
function SaveScenario() {
  const sim = useSimulateStore();
  const workflow = useEditor((s) => s.meta.name);
  const ran = useSimulate((s) => s.ran);
  const [name, setName] = useState<string>();
  if (!ran) return null;
  const shownName = name ?? scenarioName(ran.outcomes);
  const save = () => {
    const { result } = sim.getState();
    if (!result) return;
    const scenario = scenarioOf({ name: shownName, input: ran.input, outcomes: ran.outcomes, result });
    const file = scenarioFile(workflow, [scenario]);
    downloadText(scenarioFileName(workflow), `${JSON.stringify(file, null, 2)}\n`);
    toast(`Saved the scenario as ${scenarioFileName(workflow)}`, "success");
  };
  return (
    <section className="space-y-2 px-4 py-3">
      <h3 className="font-semibold text-[11px] text-slate-400 uppercase tracking-wider">
        Save as a scenario
      </h3>
      <div className="flex gap-2">
        <input
          aria-label="Scenario name"
          name="sim-scenario-name"
          value={shownName}
          onChange={(event) => setName(event.target.value)}
          className="min-w-0 flex-1 rounded-lg border border-slate-200 px-2.5 py-1.5 text-[12px]"
        />
        <button
          type="button"
          data-testid="sim-save-scenario"
          onClick={save}
          title="Download a scenario file for sagaflow test"
          className="shrink-0 rounded-lg border border-slate-200 px-3 py-1.5 text-[12px] text-slate-700 hover:bg-slate-50"
        >
          ⤓ Download
        </button>
      </div>
      <p className="text-[11px] text-slate-500">
        The input, the outcomes and what this simulation showed, as a file for{" "}
        <code className="font-mono">sagaflow test</code>, next to the definition's Export.
      </p>
    </section>
  );
}
