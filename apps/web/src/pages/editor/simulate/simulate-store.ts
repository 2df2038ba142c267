import type {
  FailureReport,
  SimulatedOutcome,
  SimulatedOutcomes,
  SimulationResult,
} from "@sagaflow/engine/core";
import type { ActionCatalog, JsonValue } from "@sagaflow/shared";
import { createContext, useContext } from "react";
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";
import type { EditorStore } from "../../../canvas/store/editor-store";
import { createRunOverlayStore, type RunOverlayStore } from "../../../canvas/store/run-overlay";
import { graphToDefinition } from "../../../canvas/utils/graph-to-definition";
import type { RunModel } from "../../../run/model/run-model";
import type { Progress } from "./analysis-job";
import { AnalysisCanceled, AnalysisWorker } from "./in-analysis-worker";
import { type Playback, play } from "./playback";
import { asRunEvents, checkDefinition, checkInput, outcomesFor, runSimulation } from "./run-simulation";

/**
 * Simulate mode's state: the outcome picked for each state, the input, and the latest simulation (its
 * result, and the model the playback has folded so far). It lives as long as the editor page, so the
 * outcomes survive leaving Simulate mode to edit and coming back. Nothing in it is sent to the server.
 */

export type SimulateTab = "simulate" | "failures" | "budget";

export interface SimulateState {
  outcomes: Record<string, SimulatedOutcome>;
  /** The input as typed (JSON); undefined until the panel first fills it from the input schema. */
  inputText: string | undefined;
  tab: SimulateTab;
  /** Why the last simulation did not run (a definition that does not validate, a bad input…). */
  problems: string[];
  result: SimulationResult | null;
  /** The input and outcomes the result ran with (the boxes may have changed since). */
  ran: { input: JsonValue; outcomes: SimulatedOutcomes } | null;
  /** What the playback has drawn so far, and whether it is still going. */
  model: RunModel | null;
  shown: number;
  playing: boolean;
  /** Bumped on every frame: components reading the (mutated) model subscribe to it. */
  frame: number;
  failures: { reports: FailureReport[] } | { problems: string[] } | null;
  failuresBusy: boolean;
  /** How far the each-failure table got (tasks simulated of all). */
  failuresProgress: Progress | null;
}

export interface SimulateStore extends StoreApi<SimulateState> {
  setOutcome(stateId: string, outcome: SimulatedOutcome | undefined): void;
  /** Runs the definition as drawn and plays the run on the canvas. */
  simulate(options: {
    catalog: ActionCatalog | undefined;
    input: JsonValue | undefined;
    animate: boolean;
  }): Promise<void>;
  /** Draws the end of the playback at once. */
  skip(): void;
  eachFailure(options: { catalog: ActionCatalog; input: JsonValue | undefined }): Promise<void>;
  /** Clears the simulated run from the canvas. */
  clear(): void;
  /** Leaving Simulate mode: clears the canvas and stops the each-failure table's worker. */
  leave(): void;
  overlay: RunOverlayStore;
}

export function createSimulateStore(editor: EditorStore): SimulateStore {
  const store = createStore<SimulateState>(() => ({
    outcomes: {},
    inputText: undefined,
    tab: "simulate",
    problems: [],
    result: null,
    ran: null,
    model: null,
    shown: 0,
    playing: false,
    frame: 0,
    failures: null,
    failuresBusy: false,
    failuresProgress: null,
  }));
  const overlay = createRunOverlayStore();
  let playback: Playback | undefined;
  const failuresWorker = new AnalysisWorker();
  /** Bumped by every simulation and clear: a simulation that finishes after a newer one is dropped. */
  let generation = 0;

  const definitionAsDrawn = (catalog: ActionCatalog | undefined) => {
    const { nodes, meta } = editor.getState();
    return checkDefinition(graphToDefinition(nodes, meta), catalog);
  };

  const clear = () => {
    generation += 1;
    playback?.stop();
    playback = undefined;
    overlay.setState({ nodes: {}, edges: {}, dimUnreached: false });
    store.setState({ result: null, ran: null, model: null, shown: 0, playing: false });
  };

  return Object.assign(store, {
    overlay,
    clear,
    leave() {
      clear();
      failuresWorker.cancel();
      store.setState({ failuresBusy: false, failuresProgress: null });
    },
    setOutcome(stateId: string, outcome: SimulatedOutcome | undefined) {
      const outcomes = { ...store.getState().outcomes };
      if (outcome === undefined) delete outcomes[stateId];
      else outcomes[stateId] = outcome;
      store.setState({ outcomes });
    },
    async simulate(options: {
      catalog: ActionCatalog | undefined;
      input: JsonValue | undefined;
      animate: boolean;
    }) {
      clear();
      if (options.input === undefined) {
        store.setState({ problems: ["The input is not valid JSON."] });
        return;
      }
      const definition = definitionAsDrawn(options.catalog);
      if (!definition.ok) {
        store.setState({ problems: definition.problems });
        return;
      }
      const inputProblems = checkInput(definition.value.inputSchema, options.input);
      if (inputProblems.length > 0) {
        store.setState({ problems: ["The input does not match the input schema:", ...inputProblems] });
        return;
      }
      const outcomes = outcomesFor(definition.value, store.getState().outcomes);
      const mine = generation;
      const run = await runSimulation({ definition: definition.value, input: options.input, outcomes });
      if (mine !== generation) return;
      if (!run.ok) {
        store.setState({ problems: run.problems });
        return;
      }
      store.setState({
        problems: [],
        result: run.value,
        ran: { input: options.input, outcomes },
        playing: true,
      });
      const events = asRunEvents(run.value);
      playback = play({
        events,
        overlay,
        edges: () => editor.getState().edges,
        totalMs: options.animate ? 2000 : 0,
        onFrame: (model, shown) =>
          store.setState((s) => ({ model, shown, frame: s.frame + 1, playing: shown < events.length })),
      });
    },
    skip() {
      playback?.skip();
    },
    async eachFailure(options: { catalog: ActionCatalog; input: JsonValue | undefined }) {
      const definition = definitionAsDrawn(options.catalog);
      if (!definition.ok) {
        store.setState({ failures: { problems: definition.problems } });
        return;
      }
      store.setState({ failuresBusy: true, failuresProgress: null });
      try {
        const reports = await failuresWorker.run(
          {
            type: "eachFailure",
            definition: definition.value,
            input: options.input ?? {},
            catalog: options.catalog,
          },
          (progress) => store.setState({ failuresProgress: progress }),
        );
        store.setState({
          failuresBusy: false,
          failuresProgress: null,
          failures: reports.ok ? { reports: reports.value } : { problems: reports.problems },
        });
      } catch (error) {
        if (error instanceof AnalysisCanceled) return; // a newer table, or Simulate mode left
        const message = error instanceof Error ? error.message : String(error);
        store.setState({ failuresBusy: false, failuresProgress: null, failures: { problems: [message] } });
      }
    },
  });
}

export const SimulateContext = createContext<SimulateStore | null>(null);

export function useSimulateStore(): SimulateStore {
  const store = useContext(SimulateContext);
  if (!store) throw new Error("useSimulateStore outside <SimulateContext.Provider>");
  return store;
}

export function useSimulate<T>(selector: (state: SimulateState) => T): T {
  return useStore(useSimulateStore(), selector);
}
