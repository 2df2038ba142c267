import { InvalidInputError, InvalidOperationError } from "@sagaflow/engine";
import { CliError, DRIVE_OPTIONS, parseCommandArgs, parseJsonArgument, requireDb, UsageError } from "../args";
import { openDriveSession } from "../drive-session";
import { EXIT, exitCodeForStatus } from "../exit-codes";
import { catchUp, storedResult } from "../follow";
import type { CliIo } from "../io";
import { explainInterrupt, requireRun } from "../session";

const OPTIONS = { ...DRIVE_OPTIONS, state: { type: "string" }, output: { type: "string" } } as const;

/**
 * `sagaflow resolve <runId> [--state S] --output JSON --db F`: a person marks the stuck step done with the
 * output it should have had (they did it by hand, or checked that it took effect): the interrupted step of
 * a suspended run, the failed task of a failed run (`--state` picks one when several failed), or the failed
 * compensation of a compensation_failed run. The run then goes on and is followed to its end, like `resume`.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["runId"]);
  const runId = positionals[0] as string;
  const db = requireDb(values.db, "resolve");
  if (values.output === undefined) throw new UsageError("resolve needs --output <JSON>: the step's output");
  const output = parseJsonArgument(values.output, "--output");
  const { store, driver, printer } = await openDriveSession(values, io, db);
  const stopExplaining = explainInterrupt(io, db);
  try {
    await requireRun(store, runId);
    await catchUp(driver, printer, runId);
    try {
      await driver.engine.resolveStep(runId, {
        output,
        by: "cli",
        ...(values.state === undefined ? {} : { stateId: values.state }),
      });
    } catch (error) {
      if (error instanceof InvalidOperationError || error instanceof InvalidInputError) {
        throw new CliError(error.message, EXIT.usage);
      }
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
