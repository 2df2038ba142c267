import { parseWorkflowLimits } from "../worker/workflow-slots";
import { UsageError } from "./args";
import { listFromEnv } from "./http-policy-flags";

/** `--workflow-concurrency name=N` (repeatable), else SAGAFLOW_WORKFLOW_CONCURRENCY="a=1,b=4": serve and worker. */
export function workflowLimitsOf(
  flags: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): { workflowConcurrency?: Record<string, number> } {
  const pairs = flags && flags.length > 0 ? flags : listFromEnv(env.SAGAFLOW_WORKFLOW_CONCURRENCY);
  if (pairs.length === 0) return {};
  try {
    return { workflowConcurrency: parseWorkflowLimits(pairs) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
