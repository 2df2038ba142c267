import path from "node:path";
import type { RunSnapshot, RunStatus } from "@sagaflow/shared";
import { DRIVE_OPTIONS, parseCommandArgs, requireDb } from "../args";
import { exitCodeForRuns } from "../exit-codes";
import { catchUp, storedResult } from "../follow";
import { httpPolicyOf } from "../http-policy-flags";
import type { CliIo } from "../io";
import { commandsFor, createProgressPrinter, progressEvent } from "../progress/progress-printer";
import { RunDriver } from "../run-driver";
import type { RunResult } from "../run-result";
import { allowedRoots, explainInterrupt, loadActions, openStore, workerSetup } from "../session";

/**
 * `sagaflow recover --db F`: after a crash, continues every unfinished run from its checkpoint (steps
 * that completed are never run again) and follows each until it ends or waits for a person's signal.
 * Exits 0 only if every run it continued ends `succeeded`.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, DRIVE_OPTIONS, []);
  const db = requireDb(values.db, "recover");
  const json = values.json === true;
  const progressOut = json ? io.err : io.out;
  const actions = await loadActions(values.actions, io.cwd, httpPolicyOf(values, process.env));
  const store = openStore(db, { create: false, cwd: io.cwd });
  const printer = createProgressPrinter(progressOut, commandsFor(db));
  const announced = new Set<string>();
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
    onEvent: (event, snapshot) => {
      if (!announced.has(event.runId)) announce(event.runId, snapshot);
      printer.print(event.runId, progressEvent(event));
    },
  });
  const announce = (runId: string, snapshot: Pick<RunSnapshot, "workflow" | "version" | "status">) => {
    announced.add(runId);
    progressOut(`Run ${runId} · ${snapshot.workflow} v${snapshot.version} · ${snapshot.status}`);
  };
  const stopExplaining = explainInterrupt(io, db);
  try {
    const runIds = await store.listUnfinishedRunIds();
    for (const runId of runIds) {
      await catchUp(driver, printer, runId);
    }
    const { continued, suspended } = await driver.engine.recover();
    const recovered = [...continued, ...suspended];
    if (recovered.length === 0) progressOut("Nothing to recover: every run has finished.");
    const statuses: RunStatus[] = [];
    const results: RunResult[] = [];
    for (const runId of recovered) {
      statuses.push(await driver.follow(runId, "signal"));
      if (json) results.push(await storedResult(store, runId));
    }
    if (json) io.out(JSON.stringify({ runs: results }));
    return exitCodeForRuns(statuses);
  } finally {
    stopExplaining();
    await driver.close();
  }
}
