import path from "node:path";
import { InvalidOperationError, type RunRef } from "@sagaflow/engine";
import { isTerminalStatus } from "@sagaflow/shared";
import { CliError, DRIVE_OPTIONS, parseCommandArgs, requireDb } from "../args";
import { EXIT, exitCodeForStatus } from "../exit-codes";
import { catchUp, storedResult } from "../follow";
import { httpPolicyOf } from "../http-policy-flags";
import type { CliIo } from "../io";
import { commandsFor, createProgressPrinter, progressEvent } from "../progress/progress-printer";
import { RunDriver } from "../run-driver";
import { allowedRoots, explainInterrupt, loadActions, openStore, requireRun, workerSetup } from "../session";

/**
 * `sagaflow resume <runId> --db F`: a run whose process died continues from its checkpoint; a failed,
 * suspended or canceled run is redriven from the step that stopped it; a compensation_failed run retries
 * its compensation; a compensated run starts again (same version and input) as a new run. Then it is
 * followed to its end, like `run`.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, DRIVE_OPTIONS, ["runId"]);
  const runId = positionals[0] as string;
  const db = requireDb(values.db, "resume");
  const json = values.json === true;
  const progressOut = json ? io.err : io.out;
  const actions = await loadActions(values.actions, io.cwd, httpPolicyOf(values, process.env));
  const store = openStore(db, { create: false, cwd: io.cwd });
  const printer = createProgressPrinter(progressOut, commandsFor(db));
  const driver = new RunDriver({
    store,
    actions,
    roots: allowedRoots(io.cwd, values["allow-path"]),
    protectedFiles: [path.resolve(io.cwd, db)],
    setup: workerSetup({
      actionsModule: values.actions,
      cwd: io.cwd,
      roots: allowedRoots(io.cwd, values["allow-path"]),
      dbFile: path.resolve(io.cwd, db),
      http: httpPolicyOf(values, process.env),
    }),
    onEvent: (event) => printer.print(event.runId, progressEvent(event)),
  });
  const stopExplaining = explainInterrupt(io, db);
  try {
    const run = await requireRun(store, runId);
    await catchUp(driver, printer, runId);
    let followed = runId;
    try {
      if (run.status === "compensated") followed = await startAgain(driver, run, progressOut);
      else if (isTerminalStatus(run.status)) await driver.engine.resume(runId, "cli");
      else await driver.engine.continueRun(runId);
    } catch (error) {
      if (error instanceof InvalidOperationError) throw new CliError(error.message, EXIT.usage);
      throw error;
    }
    const status = await driver.follow(followed, "end");
    if (json) io.out(JSON.stringify(await storedResult(store, followed)));
    return exitCodeForStatus(status);
  } finally {
    stopExplaining();
    await driver.close();
  }
}

/**
 * A compensated run has nothing left to continue: every step it did was undone. Once the cause is fixed,
 * resuming it means running it again from the start, on the same definition version, with the same input.
 */
async function startAgain(driver: RunDriver, run: RunRef, say: (line: string) => void): Promise<string> {
  const stored = await driver.store.getDefinition(run.workflow, run.version);
  if (!stored) throw new CliError(`definition ${run.workflow} v${run.version} is missing`, EXIT.failed);
  say(`[RESTART] run ${run.id} was compensated: its steps were undone, so it runs again from the start`);
  const runId = await driver.engine.start(stored, run.snapshot.input);
  say(`Run ${runId} · ${run.workflow} v${run.version}`);
  return runId;
}
