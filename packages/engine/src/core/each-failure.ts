import {
  type ActionCatalog,
  type Definition,
  effectOf,
  type JsonValue,
  type RunError,
  type RunStatus,
  type State,
  type SubMachine,
  type TaskState,
} from "@sagaflow/shared";
import { indexDefinition } from "./definition-index";
import { scopePrefix } from "./names";
import { type SimulateOptions, simulate } from "./simulate";

/**
 * "What if each step fails?": for every task, a simulated run in which that task fails after its retries.
 * The effects that completed and were never undone are the compensation-coverage lint, proven by running.
 */

export interface FailureReport {
  /** The task made to fail. */
  stateId: string;
  /** Whether the run got to the task at all (with this input and these outcomes). */
  reached: boolean;
  status: RunStatus;
  error: RunError | null;
  path: string[];
  /** Tasks whose compensation ran, in order, by scoped name. */
  compensated: string[];
  /** Completed `write` steps that nothing undid in a run that did not succeed, by scoped name, in order. */
  uncompensated: UncompensatedEffect[];
}

export interface UncompensatedEffect {
  name: string;
  /** The task says no undo is needed (`"compensateWith": null`): left on purpose. */
  declaredNoUndo: boolean;
}

export const SIMULATED_FAILURE = "SimulatedFailure";

export interface EachFailureOptions extends Omit<SimulateOptions, "definition"> {
  definition: Definition;
  /** Action effects (the task's own `effect` wins); an action it does not know counts as a write. */
  catalog: ActionCatalog;
  /** After each task's simulation (a big workflow takes a while: the designer shows how far it got). */
  onReport?: (report: FailureReport, done: number, total: number) => void;
}

export async function simulateEachFailure(options: EachFailureOptions): Promise<FailureReport[]> {
  const { catalog, onReport, ...simulation } = options;
  const reports: FailureReport[] = [];
  const index = indexDefinition(options.definition);
  const tasks = taskIds(options.definition);
  for (const stateId of tasks) {
    const outcomes = {
      ...options.outcomes,
      [stateId]: { fail: SIMULATED_FAILURE, message: `what if ${stateId} fails?` },
    };
    const result = await simulate({ ...simulation, outcomes });
    const undone = new Set(result.snapshot.compensated.map((r) => `${r.scope}|${r.taskStateId}|${r.visit}`));
    const params = new Map<string, JsonValue>();
    const uncompensated: UncompensatedEffect[] = [];
    // A run that still succeeds (a catch, onError continue) keeps its writes on purpose.
    const failed = result.snapshot.status !== "succeeded";
    for (const event of failed ? result.events : []) {
      const key = `${"scope" in event ? event.scope : ""}|${"stateId" in event ? event.stateId : ""}|${"visit" in event ? event.visit : 0}`;
      if (event.type === "StepAttemptStarted") params.set(key, event.params);
      if (event.type !== "StepSucceeded" || undone.has(key)) continue;
      const state = index.state(event.stateId) as TaskState | undefined;
      if (!state) continue;
      const evaluated = params.get(key);
      const asRun = evaluated !== null && typeof evaluated === "object" && !Array.isArray(evaluated);
      const effect = effectOf(asRun ? { ...state, params: evaluated } : state, catalog) ?? "write";
      if (effect !== "write") continue;
      uncompensated.push({
        name: `${scopePrefix(event.scope)}${event.stateId}`,
        declaredNoUndo: state.compensateWith === null,
      });
    }
    const report: FailureReport = {
      stateId,
      reached: result.calls.some((call) => call.kind === "task" && call.stateId === stateId),
      status: result.snapshot.status,
      error: result.snapshot.error,
      path: result.path,
      compensated: result.compensated,
      uncompensated,
    };
    reports.push(report);
    onReport?.(report, reports.length, tasks.length);
  }
  return reports;
}

/** Every task state, nested ones included, in the order the definition lists them. */
export function taskIds(machine: Pick<SubMachine, "states">): string[] {
  return Object.entries(machine.states).flatMap(([id, state]: [string, State]) => {
    if (state.type === "task") return [id];
    if (state.type === "parallel") return Object.values(state.branches).flatMap(taskIds);
    if (state.type === "map") return taskIds(state.iterator);
    return [];
  });
}
