import path from "node:path";
import {
  DATABASE_URL_ENV,
  isPostgresLocation,
  leaseOwnerFor,
  redactUrl,
  resolveStoreLocation,
} from "@sagaflow/engine";
import { DEFAULTS, ServeRefusedError, startSagaflowServer } from "../../app";
import { jsonLinesIo } from "../../observability/json-lines-io";
import { parseCommandArgs, UsageError } from "../args";
import { EXIT } from "../exit-codes";
import { HTTP_POLICY_OPTIONS, httpPolicyOf, parseByteSize } from "../http-policy-flags";
import type { CliIo } from "../io";
import { parseInteger, parseLogFormat, parseLogLevel, untilStopSignal } from "../process-options";
import { workflowLimitsOf } from "../workflow-concurrency-flag";

/**
 * `sagaflow worker --db postgres://…`: a process with no HTTP that only executes runs, beside any number of
 * `serve` and `worker` processes on the same database (docs/deploy.md). It claims free runs up to its free
 * action slots (those a `serve --no-drive` started, and those whose owner's lease expired), fires their
 * timers, and answers the operator calls other instances forward to it. SIGTERM/SIGINT: it stops
 * taking work, lets running actions finish (up to the grace), records the queued ones as abandoned and
 * releases its leases, so another process continues its runs at once.
 */
export async function main(
  argv: string[],
  plainIo: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      db: { type: "string" },
      concurrency: { type: "string" },
      actions: { type: "string" },
      "allow-path": { type: "string", multiple: true },
      "log-format": { type: "string" },
      "log-level": { type: "string" },
      "max-payload": { type: "string" },
      "worker-memory": { type: "string" },
      "crash-limit": { type: "string" },
      "workflow-concurrency": { type: "string", multiple: true },
      ...HTTP_POLICY_OPTIONS,
    },
    [],
  );
  const db = values.db || env[DATABASE_URL_ENV];
  if (!db || !isPostgresLocation(db)) {
    throw new UsageError(
      "worker needs a PostgreSQL database (--db postgres://… or DATABASE_URL): on a SQLite file, `serve` drives the runs itself",
    );
  }
  const logFormat = parseLogFormat(values["log-format"] ?? env.SAGAFLOW_LOG_FORMAT);
  const logLevel = parseLogLevel(values["log-level"] ?? env.SAGAFLOW_LOG_LEVEL);
  const io = logFormat === "json" ? jsonLinesIo(plainIo) : plainIo;
  const maxPayload = values["max-payload"] ?? env.SAGAFLOW_MAX_PAYLOAD;

  let running: Awaited<ReturnType<typeof startSagaflowServer>>;
  try {
    running = await startSagaflowServer({
      dbPath: resolveStoreLocation(db, io.cwd),
      http: false,
      // Definitions come from the serve instances; a worker seeds nothing.
      examplesDir: null,
      alertWebhook: env.SAGAFLOW_ALERT_WEBHOOK || undefined,
      concurrency: parseInteger(values.concurrency, "--concurrency", DEFAULTS.concurrency, 1, 10_000),
      logFormat,
      logLevel,
      env,
      workingDir: io.cwd,
      allowPaths: (values["allow-path"] ?? []).map((dir) => path.resolve(io.cwd, dir)),
      ...httpPolicyOf(values, env),
      actionsModule: values.actions ? path.resolve(io.cwd, values.actions) : undefined,
      ...(maxPayload ? { maxPayloadBytes: parseByteSize(maxPayload, "--max-payload") } : {}),
      workerMemoryMb: parseInteger(values["worker-memory"], "--worker-memory", 256, 16, 65_536),
      crashLimit: parseInteger(values["crash-limit"], "--crash-limit", 3, 1, 1000),
      ...workflowLimitsOf(values["workflow-concurrency"], env),
    });
  } catch (error) {
    if (error instanceof ServeRefusedError) {
      io.err(`sagaflow worker: ${error.message}`);
      return EXIT.failed;
    }
    throw error;
  }
  io.out(`Sagaflow worker ${leaseOwnerFor(env)} is running on ${redactUrl(db)}`);

  await untilStopSignal(io, "worker");
  await running.close();
  return EXIT.ok;
}
