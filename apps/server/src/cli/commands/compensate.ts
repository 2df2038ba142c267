import { InvalidOperationError } from "@sagaflow/engine";
import { CliError, DRIVE_OPTIONS, parseCommandArgs, requireDb } from "../args";
import { openDriveSession } from "../drive-session";
import { EXIT, exitCodeForStatus } from "../exit-codes";
import { catchUp, storedResult } from "../follow";
import type { CliIo } from "../io";
import { explainInterrupt, requireRun } from "../session";

/**
 * `sagaflow compensate <runId> --db F`: "Compensate now" from the command line. A run that failed with
 * `onError: abort` (or was canceled without compensating) undoes its completed steps, newest first, as the
 * compensate policy would have; followed to its end like `resume` (exit 1 compensated, 2 if an undo fails).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, DRIVE_OPTIONS, ["runId"]);
  const runId = positionals[0] as string;
  const db = requireDb(values.db, "compensate");
  const { store, driver, printer } = await openDriveSession(values, io, db);
  const stopExplaining = explainInterrupt(io, db);
  try {
    await requireRun(store, runId);
    await catchUp(driver, printer, runId);
    try {
      await driver.engine.compensate(runId, "cli");
    } catch (error) {
      if (error instanceof InvalidOperationError) throw new CliError(error.message, EXIT.usage);
      throw error;
    }
    const status = await driver.follow(runId, "end");
    if (values.json === true) io.out(JSON.stringify(await storedResult(store, runId)));
    return exitCodeForStatus(status);
  } finally {
    stopExplaining();
    await driver.close();
  }
}
