import path from "node:path";
import { actionCatalog, resolveStoreLocation } from "@sagaflow/engine";
import { type Definition, type JsonValue, type RunStatus, validateDefinition } from "@sagaflow/shared";
import { checkRunInput } from "../../run-input";
import { DRIVE_OPTIONS, parseCommandArgs, parseJsonArgument, readJsonFile, UsageError } from "../args";
import { EXIT, exitCodeForStatus } from "../exit-codes";
import { storedResult } from "../follow";
import { httpPolicyOf } from "../http-policy-flags";
import type { CliIo } from "../io";
import { commandsFor, createProgressPrinter, progressEvent } from "../progress/progress-printer";
import { RunDriver } from "../run-driver";
import { allowedRoots, explainInterrupt, loadActions, openStore, workerSetup } from "../session";
import { createTempDb, type TempDb } from "../temp-db";
import { formatDiagnostics } from "./validate";

const OPTIONS = {
  ...DRIVE_OPTIONS,
  input: { type: "string" },
  "input-file": { type: "string" },
  "no-wait": { type: "boolean" },
  /** An idempotent start: run again with the same id, it follows the run it made instead of a new one. */
  "request-id": { type: "string" },
} as const;

/** `sagaflow run <file>`: validates the definition, starts a run and follows it, printing progress as it goes. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["file"]);
  const file = positionals[0] as string;
  const json = values.json === true;
  const progressOut = json ? io.err : io.out;

  const source = readJsonFile(path.resolve(io.cwd, file), "definition");
  const input = readInput(values.input, values["input-file"], io.cwd);
  const actions = await loadActions(values.actions, io.cwd, httpPolicyOf(values, process.env));
  const validation = validateDefinition(source, { actions: actionCatalog(actions) });
  if (validation.diagnostics.length > 0) io.err(formatDiagnostics(file, validation.diagnostics));
  if (!validation.ok || !validation.definition) {
    io.err("Nothing was run.");
    return EXIT.usage;
  }
  const definition: Definition = validation.definition;
  const inputCheck = checkRunInput(`cli:${definition.name}`, definition.inputSchema, input);
  if (!inputCheck.ok) {
    io.err(`Invalid run input: ${inputCheck.problems.join("; ")}`);
    return EXIT.usage;
  }

  // --db, else DATABASE_URL, else a throwaway SQLite file (docs/deploy.md).
  const named = values.db || process.env.DATABASE_URL || undefined;
  const temp: TempDb | undefined = named === undefined ? createTempDb() : undefined;
  const dbFile = temp?.file ?? resolveStoreLocation(named as string, io.cwd);
  const dbShown = temp?.file ?? (named as string);
  const printer = createProgressPrinter(progressOut, commandsFor(dbShown));
  const driver = new RunDriver({
    store: openStore(dbFile, { create: true, cwd: io.cwd }),
    actions,
    roots: allowedRoots(io.cwd, values["allow-path"]),
    protectedFiles: [dbFile],
    setup: workerSetup({
      actionsModule: values.actions,
      cwd: io.cwd,
      roots: allowedRoots(io.cwd, values["allow-path"]),
      dbFile: dbFile,
      http: httpPolicyOf(values, process.env),
    }),
    onEvent: (event) => printer.print(event.runId, progressEvent(event)),
  });
  let status: RunStatus = "running";
  const stopExplaining = explainInterrupt(io, dbShown);
  try {
    const latestBefore = temp ? undefined : await driver.store.getDefinition(definition.name);
    const requestId = values["request-id"];
    const runId = await driver.engine.start(definition, input, requestId ? { requestId } : {});
    if (!temp) await saySaved(driver, runId, latestBefore?.version, progressOut);
    status = await driver.follow(runId, values["no-wait"] ? "waiting" : "end");
    if (status === "waiting") {
      progressOut(
        `[WAITING] continue with \`sagaflow signal ${runId} <name> --db ${dbShown}\` or \`sagaflow recover --db ${dbShown}\``,
      );
    }
    if (json) io.out(JSON.stringify(await storedResult(driver.store, runId)));
  } finally {
    stopExplaining();
    await driver.close();
    if (temp) {
      if (status === "succeeded") temp.dispose();
      else io.err(`The runs database is kept at ${temp.file}`);
    }
  }
  return exitCodeForStatus(status);
}

function readInput(inline: string | undefined, file: string | undefined, cwd: string): JsonValue {
  if (inline !== undefined && file !== undefined)
    throw new UsageError("give --input or --input-file, not both");
  if (inline !== undefined) return parseJsonArgument(inline, "--input");
  if (file !== undefined) return readJsonFile(path.resolve(cwd, file), "input file");
  return {};
}

/**
 * `run file.json --db F` runs the file as the stored latest version when they are the same, and otherwise
 * saves it as a new latest version first: said, never silent, since other runs' resumes may move to it.
 */
async function saySaved(
  driver: RunDriver,
  runId: string,
  latestBefore: number | undefined,
  say: (line: string) => void,
): Promise<void> {
  // A database without this workflow gets its v1 quietly: there was no latest to replace.
  if (latestBefore === undefined) return;
  const run = await driver.store.getRun(runId);
  if (!run || run.version === latestBefore) return;
  say(
    `[SAVED] saved as ${run.workflow} v${run.version}: the file differs from the stored v${latestBefore} (runs stay on their version; \`sagaflow resume <runId> --version latest\` moves one)`,
  );
}
