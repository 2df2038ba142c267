import { validateDefinition } from "@sagaflow/shared";
import { bandedLayout } from "../utils/banded-layout";
import type { Job } from "./messages";

/** One job, on whichever thread calls it: the worker, or the page where there are no workers. */
export function runJob(job: Job) {
  if (job.type === "validate")
    return validateDefinition(job.definition, job.catalog ? { actions: job.catalog } : {}).diagnostics;
  return bandedLayout(job.nodes, job.edges, job.direction);
}
