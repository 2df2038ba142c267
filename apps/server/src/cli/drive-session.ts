import path from "node:path";
import type { RunStore } from "@sagaflow/engine";
import { httpPolicyOf } from "./http-policy-flags";
import type { CliIo } from "./io";
import {
  commandsFor,
  createProgressPrinter,
  type ProgressPrinter,
  progressEvent,
} from "./progress/progress-printer";
import { RunDriver } from "./run-driver";
import { allowedRoots, loadActions, openStore, workerSetup } from "./session";

/** The parsed DRIVE_OPTIONS (args.ts). */
interface DriveValues {
  actions?: string;
  "allow-path"?: string[];
  json?: boolean;
  "http-allow"?: string[];
  "http-deny"?: string[];
  "http-max-response"?: string;
}

export interface DriveSession {
  store: RunStore;
  driver: RunDriver;
  printer: ProgressPrinter;
  /** Progress goes to stderr with --json, so stdout stays one JSON document. */
  progressOut: (line: string) => void;
}

/**
 * What every command that continues a stored run needs (resume, resolve): the store, the actions and the
 * worker pool with the same roots and outbound policy as `run`, and the progress printer.
 */
export async function openDriveSession(values: DriveValues, io: CliIo, db: string): Promise<DriveSession> {
  const progressOut = values.json === true ? io.err : io.out;
  const http = httpPolicyOf(values, process.env);
  const actions = await loadActions(values.actions, io.cwd, http);
  const store = openStore(db, { create: false, cwd: io.cwd });
  const printer = createProgressPrinter(progressOut, commandsFor(db));
  const roots = allowedRoots(io.cwd, values["allow-path"]);
  const dbFile = path.resolve(io.cwd, db);
  const driver = new RunDriver({
    store,
    actions,
    roots,
    protectedFiles: [dbFile],
    setup: workerSetup({ actionsModule: values.actions, cwd: io.cwd, roots, dbFile, http }),
    onEvent: (event) => printer.print(event.runId, progressEvent(event)),
  });
  return { store, driver, printer, progressOut };
}
