import type { FailureReport, TimeoutBudget } from "@sagaflow/engine/core";
import type { ActionCatalog, Definition, JsonValue } from "@sagaflow/shared";
import { budgetOf, type Checked, checkDefinition, runEachFailure } from "./run-simulation";

/**
 * The analyses that grow with the workflow: "what if each step fails?" runs one simulation per task
 * (a 300-state workflow takes ~25 s), and the timeout budget walks every path. They run in a worker
 * (analysis-worker.ts), so the designer stays responsive; this is the work itself, on whichever thread.
 */

export type AnalysisJob =
  | { type: "eachFailure"; definition: Definition; input: JsonValue; catalog: ActionCatalog }
  | { type: "budget"; definition: Definition };

export type AnalysisResult<J extends AnalysisJob> = J extends { type: "eachFailure" }
  ? Checked<FailureReport[]>
  : Checked<TimeoutBudget>;

export interface Progress {
  done: number;
  total: number;
}

export async function runAnalysis(
  job: AnalysisJob,
  onProgress: (progress: Progress) => void = () => {},
): Promise<Checked<FailureReport[]> | Checked<TimeoutBudget>> {
  if (job.type === "eachFailure") {
    return runEachFailure({
      definition: job.definition,
      input: job.input,
      catalog: job.catalog,
      onReport: (_report, done, total) => onProgress({ done, total }),
    });
  }
  const checked = checkDefinition(job.definition, undefined);
  return checked.ok ? { ok: true, value: budgetOf(checked.value) } : checked;
}
