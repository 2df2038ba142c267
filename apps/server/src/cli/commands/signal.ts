import path from "node:path";
import { InvalidOperationError } from "@sagaflow/engine";
import type { JsonValue } from "@sagaflow/shared";
import { CliError, DRIVE_OPTIONS, parseCommandArgs, parseJsonArgument, requireDb } from "../args";
import { EXIT } from "../exit-codes";
import { catchUp } from "../follow";
import { httpPolicyOf } from "../http-policy-flags";
import type { CliIo } from "../io";
import { commandsFor, createProgressPrinter, progressEvent } from "../progress/progress-printer";
import { RunDriver } from "../run-driver";
import { allowedRoots, loadActions, openStore, requireRun, workerSetup } from "../session";
import { signalNames } from "../signal-names";

const OPTIONS = { ...DRIVE_OPTIONS, payload: { type: "string" } } as const;

/**
 * `sagaflow signal <runId> <name> [--payload JSON] --db F`: delivers a signal (kept until a state waits
 * for it, if none waits yet), then carries the run on until it ends or waits again, printing progress.
 * A run that could never receive it (finished, or no signal state of that name) is refused, unchanged.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["runId", "name"]);
  const [runId, name] = positionals as [string, string];
  const db = requireDb(values.db, "signal");
  const payload: JsonValue =
    values.payload === undefined ? null : parseJsonArgument(values.payload, "--payload");
  const actions = await loadActions(values.actions, io.cwd, httpPolicyOf(values, process.env));
  const store = openStore(db, { create: false, cwd: io.cwd });
  const progressOut = values.json ? io.err : io.out;
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
  try {
    const run = await requireRun(store, runId);
    if (run.status !== "running" && run.status !== "waiting") {
      throw new CliError(`run ${runId} is ${run.status}; it takes no more signals`, EXIT.usage);
    }
    const stored = await store.getDefinition(run.workflow, run.version);
    const known = stored ? signalNames(stored.definition) : new Set<string>();
    if (!known.has(name)) {
      const expected =
        known.size > 0
          ? `it waits for ${[...known].map((n) => `"${n}"`).join(", ")}`
          : "it has no signal states";
      throw new CliError(
        `${run.workflow} v${run.version} never waits for a signal "${name}": ${expected}`,
        EXIT.usage,
      );
    }
    await catchUp(driver, printer, runId);
    try {
      await driver.engine.signal(runId, name, payload, "cli");
    } catch (error) {
      if (error instanceof InvalidOperationError) throw new CliError(error.message, EXIT.usage);
      throw error;
    }
    await driver.follow(runId, "signal");
    if (values.json) io.out(JSON.stringify({ runId, signal: name, delivered: true }));
    return EXIT.ok;
  } finally {
    await driver.close();
  }
}
