import { existsSync } from "node:fs";
import path from "node:path";
import {
  type ActionDefinition,
  ActionModuleError,
  builtinActionsWith,
  CorruptDatabaseError,
  createActionRegistry,
  isPostgresLocation,
  loadActionsModule,
  openRunStore,
  type RunStore,
  type WorkerSetup,
} from "@sagaflow/engine";
import type { RunSnapshot } from "@sagaflow/shared";
import { CliError, UsageError } from "./args";
import { EXIT } from "./exit-codes";
import { cliHttpOptions, type HttpPolicyFlags } from "./http-policy-flags";
import type { CliIo } from "./io";

/** The edge every run-driving command shares: the store, the actions, the path policy, the engine. */

/**
 * Built-in actions (http.request under the `--http-*` flags, when given) plus the `--actions` module's;
 * a custom action may not hide a built-in one.
 */
export async function loadActions(
  modulePath: string | undefined,
  cwd: string,
  http: HttpPolicyFlags = { httpAllow: [], httpDeny: [] },
): Promise<ActionDefinition[]> {
  const builtinActions = builtinActionsWith(cliHttpOptions(http));
  if (modulePath === undefined) return builtinActions;
  let custom: ActionDefinition[];
  try {
    custom = await loadActionsModule(path.resolve(cwd, modulePath));
  } catch (error) {
    if (error instanceof ActionModuleError) throw new UsageError(error.message);
    throw error;
  }
  try {
    return [...createActionRegistry([...builtinActions, ...custom]).values()];
  } catch (error) {
    throw new UsageError(`--actions ${modulePath}: ${(error as Error).message}`);
  }
}

/**
 * What the worker pool needs to build the same actions as this process (SPEC §8: the command line runs
 * user work in the same isolation as the server).
 */
export function workerSetup(options: {
  actionsModule: string | undefined;
  cwd: string;
  roots: string[];
  dbFile: string;
  http: HttpPolicyFlags;
}): WorkerSetup {
  return {
    ...(options.actionsModule ? { actionsModule: path.resolve(options.cwd, options.actionsModule) } : {}),
    roots: options.roots,
    protectedFiles: [options.dbFile],
    workingDir: options.cwd,
    http: {
      allow: options.http.httpAllow,
      deny: options.http.httpDeny,
      ...(options.http.httpMaxResponseBytes ? { maxResponseBytes: options.http.httpMaxResponseBytes } : {}),
    },
  };
}

/**
 * Opens the runs database. Only `run` creates one; the other commands refuse a missing file rather than
 * leave an empty database behind a typo.
 */
export function openStore(file: string, options: { create: boolean; cwd: string }): RunStore {
  // A postgres:// URL opens as it is: the server is there or not, and its migrations create the tables.
  if (isPostgresLocation(file)) return openRunStore(file);
  const absolute = path.resolve(options.cwd, file);
  if (!options.create && !existsSync(absolute)) throw new CliError(`no database at ${file}`, EXIT.usage);
  try {
    return openRunStore(absolute);
  } catch (error) {
    if (error instanceof CorruptDatabaseError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

/**
 * Action file paths: the directory sagaflow was invoked from, plus each `--allow-path` (SPEC §4). The
 * run database is refused inside them (RunDriver's `protectedFiles`).
 */
export function allowedRoots(cwd: string, allowPaths: readonly string[] | undefined): string[] {
  return [cwd, ...(allowPaths ?? []).map((dir) => path.resolve(cwd, dir))];
}

/** The run or a clear refusal: an unknown id is bad input, and nothing is touched. */
export async function requireRun(store: RunStore, runId: string) {
  const run = await store.getRun<RunSnapshot>(runId);
  if (!run) throw new CliError(`no run ${runId} in this database`, EXIT.usage);
  return run;
}

/**
 * Ctrl-C while a run is followed: stop at once, as a crash would (the run's checkpoint is safe), and say
 * how to continue. Returns the function that removes the handler.
 */
export function explainInterrupt(io: CliIo, db: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    io.err(`Interrupted (${signal}): the run is saved; \`sagaflow recover --db ${db}\` continues it`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
