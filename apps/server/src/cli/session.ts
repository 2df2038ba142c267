import { existsSync } from "node:fs";
import path from "node:path";
import {
  type ActionDefinition,
  ActionModuleError,
  builtinActions,
  CorruptDatabaseError,
  createActionRegistry,
  createPathPolicy,
  Engine,
  loadActionsModule,
  openSqliteStore,
  type RunStore,
  type StoredEvent,
} from "@sagaflow/engine";
import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { CliError, UsageError } from "./args";
import { EXIT } from "./exit-codes";

/** The edge every run-driving command shares: the store, the actions, the path policy, the engine. */

export interface DriveFlags {
  db?: string | undefined;
  actions?: string | undefined;
  "allow-path"?: string[] | undefined;
}

/** Built-in actions plus the `--actions` module's; a custom action may not hide a built-in one. */
export async function loadActions(modulePath: string | undefined, cwd: string): Promise<ActionDefinition[]> {
  if (modulePath === undefined) return [...builtinActions];
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
 * Opens the runs database. Only `run` creates one; the other commands refuse a missing file rather than
 * leave an empty database behind a typo.
 */
export function openStore(file: string, options: { create: boolean; cwd: string }): RunStore {
  const absolute = path.resolve(options.cwd, file);
  if (!options.create && !existsSync(absolute)) throw new CliError(`no database at ${file}`, EXIT.usage);
  try {
    return openSqliteStore(absolute);
  } catch (error) {
    if (error instanceof CorruptDatabaseError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

/** Action file paths: the directory sagaflow was invoked from, plus each `--allow-path` (SPEC §4). */
export function allowedRoots(cwd: string, allowPaths: readonly string[] | undefined): string[] {
  return [cwd, ...(allowPaths ?? []).map((dir) => path.resolve(cwd, dir))];
}

export interface EngineSession {
  store: RunStore;
  engine: Engine;
  close(): Promise<void>;
}

export function openEngine(options: {
  store: RunStore;
  actions: ActionDefinition[];
  roots: string[];
  onEvent?: (event: StoredEvent<RunEvent>, snapshot: RunSnapshot) => void;
}): EngineSession {
  const policy = createPathPolicy(options.roots);
  const { onEvent } = options;
  const engine = new Engine({
    store: options.store,
    actions: options.actions,
    resolvePath: policy.resolvePath,
    ...(onEvent ? { onEvent: (event, run) => onEvent(event, run.snapshot) } : {}),
  });
  return {
    store: options.store,
    engine,
    close: async () => {
      await engine.close();
      await options.store.close();
    },
  };
}

/** The run or a clear refusal: an unknown id is bad input, and nothing is touched. */
export async function requireRun(store: RunStore, runId: string) {
  const run = await store.getRun<RunSnapshot>(runId);
  if (!run) throw new CliError(`no run ${runId} in this database`, EXIT.usage);
  return run;
}

/**
 * Keeps the process alive while it waits for a run: the engine's timers do not hold the event loop (a
 * server must be able to exit), but a command following a run must not end before the run does.
 */
export async function keepAliveWhile<T>(promise: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 60_000);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}
