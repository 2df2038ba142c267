import { InvalidOperationError, previewVersionMove, type RunRef } from "@sagaflow/engine";
import { describeVersionMove, MOVABLE_STATUSES } from "@sagaflow/engine/core";
import { isTerminalStatus } from "@sagaflow/shared";
import { CliError, DRIVE_OPTIONS, parseCommandArgs, requireDb, UsageError } from "../args";
import { openDriveSession } from "../drive-session";
import { EXIT, exitCodeForStatus } from "../exit-codes";
import { catchUp, storedResult } from "../follow";
import type { CliIo } from "../io";
import type { RunDriver } from "../run-driver";
import { explainInterrupt, requireRun } from "../session";

const OPTIONS = { ...DRIVE_OPTIONS, version: { type: "string" } } as const;

/**
 * `sagaflow resume <runId> --db F [--version n|latest]`: a run whose process died continues from its
 * checkpoint; a failed, suspended or canceled run is redriven from the step that stopped it; a
 * compensation_failed run retries its compensation; a compensated run starts again (same input) as a new
 * run. With `--version` it goes on on that version of its workflow (a fixed one): the compatibility report
 * is printed first, and an incompatible move is refused (exit 64) before anything runs. Then the run is
 * followed to its end, like `run`.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["runId"]);
  const runId = positionals[0] as string;
  const db = requireDb(values.db, "resume");
  const version = parseVersion(values.version);
  const json = values.json === true;
  const { store, driver, printer, progressOut } = await openDriveSession(values, io, db);
  const stopExplaining = explainInterrupt(io, db);
  try {
    const run = await requireRun(store, runId);
    await catchUp(driver, printer, runId);
    let followed = runId;
    try {
      if (run.status === "compensated") followed = await startAgain(driver, run, version, progressOut);
      else if (version !== undefined) await moveAndResume(driver, run, version, progressOut);
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

function parseVersion(text: string | undefined): number | "latest" | undefined {
  if (text === undefined || text === "latest") return text;
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1) {
    throw new UsageError(`--version takes a version number or "latest", not "${text}"`);
  }
  return version;
}

/** Prints the compatibility report, then moves the run, or refuses with the report's reasons. */
async function moveAndResume(
  driver: RunDriver,
  run: RunRef,
  version: number | "latest",
  say: (line: string) => void,
): Promise<void> {
  if (!MOVABLE_STATUSES.includes(run.status)) {
    throw new CliError(
      `run ${run.id} is ${run.status}; only a failed, suspended, canceled or compensation_failed run can move to another version`,
      EXIT.usage,
    );
  }
  const report = await previewVersionMove(driver.store, run.id, version === "latest" ? undefined : version);
  for (const line of describeVersionMove(report)) say(line);
  if (!report.compatible) {
    throw new CliError(`run ${run.id} stays on v${report.from}: nothing was run`, EXIT.usage);
  }
  await driver.engine.resume(run.id, "cli", { version: report.to });
}

/**
 * A compensated run has nothing left to continue: every step it did was undone. Once the cause is fixed,
 * resuming it means running it again from the start with the same input, on its own version or the one
 * `--version` names.
 */
async function startAgain(
  driver: RunDriver,
  run: RunRef,
  version: number | "latest" | undefined,
  say: (line: string) => void,
): Promise<string> {
  const wanted = version === "latest" ? undefined : (version ?? run.version);
  const stored = await driver.store.getDefinition(run.workflow, wanted);
  if (!stored)
    throw new CliError(`definition ${run.workflow} v${wanted ?? "latest"} is missing`, EXIT.failed);
  say(`[RESTART] run ${run.id} was compensated: its steps were undone, so it runs again from the start`);
  const runId = await driver.engine.start(stored, run.snapshot.input);
  say(`Run ${runId} · ${run.workflow} v${stored.version}`);
  return runId;
}
