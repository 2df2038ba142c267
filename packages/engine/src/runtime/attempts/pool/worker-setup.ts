import path from "node:path";
import { builtinActionsWith } from "../../../actions/builtin";
import { loadActionsModule } from "../../../actions/load-module";
import { createOutboundPolicy } from "../../../actions/outbound-policy";
import { createPathPolicy } from "../../../actions/paths";
import { createActionRegistry } from "../../../actions/registry";
import type { ActionDefinition } from "../../../actions/types";

/**
 * Everything a worker needs to build the same actions as the orchestrator, as plain data: a worker
 * thread shares no objects with the thread that made it, so policies are rebuilt there from their settings.
 */
export interface WorkerSetup {
  /** A module of custom actions (absolute path), as `--actions`. */
  actionsModule?: string;
  /** Folders open to action file paths, and files no action may reach (the engine's database). */
  roots: string[];
  protectedFiles: string[];
  /** Relative action paths resolve against it. */
  workingDir: string;
  http: {
    allow: string[];
    deny: string[];
    /** The server's own listening address, refused to http.request. */
    self?: { host: string; port: number };
    maxResponseBytes?: number;
  };
}

export interface WorkerRuntime {
  actions: ReadonlyMap<string, ActionDefinition>;
  resolvePath(path: string): string;
}

/** Builds the actions and the path policy a setup describes (in a worker, or in this thread). */
export async function buildWorkerRuntime(setup: WorkerSetup): Promise<WorkerRuntime> {
  const self = setup.http.self;
  const builtins = builtinActionsWith({
    policy: createOutboundPolicy({ allow: setup.http.allow, deny: setup.http.deny, self: () => self }),
    ...(setup.http.maxResponseBytes ? { maxResponseBytes: setup.http.maxResponseBytes } : {}),
  });
  const custom = setup.actionsModule ? await loadActionsModule(setup.actionsModule) : [];
  const actions = createActionRegistry([...builtins, ...custom]);
  const policy = createPathPolicy(setup.roots, { protectedFiles: setup.protectedFiles });
  return {
    actions,
    resolvePath: (requested) =>
      policy.resolvePath(
        typeof requested === "string" && requested.trim() !== ""
          ? path.resolve(setup.workingDir, requested)
          : requested,
      ),
  };
}
