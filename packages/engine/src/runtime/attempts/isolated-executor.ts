import type { PayloadLimits } from "@sagaflow/shared";
import type { ActionDefinition } from "../../actions/types";
import type { Logger } from "../logger";
import type { AttemptExecutor } from "./attempt-executor";
import { createInProcessExecutor } from "./in-process-executor";
import { createPoolExecutor } from "./pool/pool-executor";
import type { WorkerSetup } from "./pool/worker-setup";
import { createRoutingExecutor } from "./routing-executor";

/**
 * The executor the server and the command line use: safe built-ins on this thread, everything else in
 * the worker pool, built from one description of the actions (`setup`) so both sides have the same ones.
 */
export function createIsolatedExecutor(options: {
  /** The orchestrator's own copy of the actions, for the in-process built-ins. */
  actions: ReadonlyMap<string, ActionDefinition>;
  resolvePath: (path: string) => string;
  setup: () => WorkerSetup;
  logger: Logger;
  memoryMb?: number;
  threads?: number;
  limits?: PayloadLimits;
}): AttemptExecutor {
  return createRoutingExecutor({
    inProcess: createInProcessExecutor({
      actions: options.actions,
      resolvePath: options.resolvePath,
      logger: options.logger,
    }),
    isolated: createPoolExecutor({
      setup: options.setup,
      logger: options.logger,
      ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    }),
  });
}
