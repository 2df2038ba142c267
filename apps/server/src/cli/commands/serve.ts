import path from "node:path";
import { DATABASE_URL_ENV, resolveStoreLocation } from "@sagaflow/engine";
import { DEFAULTS, ServeRefusedError, startSagaflowServer } from "../../app";
import { jsonLinesIo } from "../../observability/json-lines-io";
import { parseCommandArgs } from "../args";
import { EXIT } from "../exit-codes";
import { HTTP_POLICY_OPTIONS, httpPolicyOf, listFromEnv, parseByteSize } from "../http-policy-flags";
import type { CliIo } from "../io";
import { parseInteger, parseLogFormat, parseLogLevel, untilStopSignal } from "../process-options";
import { workflowLimitsOf } from "../workflow-concurrency-flag";

/**
 * `sagaflow serve [--port 3000] [--host 127.0.0.1] [--db ./data/sagaflow.db]`: the web app and the API on
 * one port until SIGTERM/SIGINT. Also: `--concurrency N`, `--actions M`, `--allow-path D`, `--allowed-host H`,
 * `--http-allow`/`--http-deny`/`--http-max-response` (docs/security.md), `--max-payload 256KiB`,
 * `--worker-memory 256` (MB), `--crash-limit 3` (docs/semantics.md), `--workflow-concurrency name=N`
 * (docs/deploy.md), `--no-drive` (PostgreSQL: runs started here are executed by the workers); the token and the alert webhook
 * come from SAGAFLOW_TOKEN and SAGAFLOW_ALERT_WEBHOOK.
 */
export async function main(
  argv: string[],
  plainIo: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      concurrency: { type: "string" },
      actions: { type: "string" },
      "allow-path": { type: "string", multiple: true },
      "log-format": { type: "string" },
      "log-level": { type: "string" },
      "allowed-host": { type: "string", multiple: true },
      "max-payload": { type: "string" },
      "worker-memory": { type: "string" },
      "crash-limit": { type: "string" },
      "workflow-concurrency": { type: "string", multiple: true },
      "no-drive": { type: "boolean" },
      ...HTTP_POLICY_OPTIONS,
    },
    [],
  );
  const port = parseInteger(values.port, "--port", DEFAULTS.port, 0, 65_535);
  const concurrency = parseInteger(values.concurrency, "--concurrency", DEFAULTS.concurrency, 1, 10_000);
  // Isolation and limits (docs/semantics.md "Isolation and limits").
  const maxPayload = values["max-payload"] ?? env.SAGAFLOW_MAX_PAYLOAD;
  const maxPayloadBytes = maxPayload ? parseByteSize(maxPayload, "--max-payload") : undefined;
  const workerMemoryMb = parseInteger(values["worker-memory"], "--worker-memory", 256, 16, 65_536);
  const crashLimit = parseInteger(values["crash-limit"], "--crash-limit", 3, 1, 1000);
  const logFormat = parseLogFormat(values["log-format"] ?? env.SAGAFLOW_LOG_FORMAT);
  const logLevel = parseLogLevel(values["log-level"] ?? env.SAGAFLOW_LOG_LEVEL);
  // In JSON mode every line this command prints is a JSON object too (logs on stderr, as in human mode).
  const io = logFormat === "json" ? jsonLinesIo(plainIo) : plainIo;

  let running: Awaited<ReturnType<typeof startSagaflowServer>>;
  try {
    running = await startSagaflowServer({
      // --db, else DATABASE_URL, else the SQLite default (docs/deploy.md).
      dbPath: resolveStoreLocation(values.db || env[DATABASE_URL_ENV] || DEFAULTS.dbPath, io.cwd),
      port,
      host: values.host ?? DEFAULTS.host,
      token: env.SAGAFLOW_TOKEN,
      alertWebhook: env.SAGAFLOW_ALERT_WEBHOOK || undefined,
      concurrency,
      logFormat,
      logLevel,
      env,
      workingDir: io.cwd,
      allowPaths: (values["allow-path"] ?? []).map((dir) => path.resolve(io.cwd, dir)),
      allowedHosts: [...listFromEnv(env.SAGAFLOW_ALLOWED_HOSTS), ...(values["allowed-host"] ?? [])],
      ...httpPolicyOf(values, env),
      actionsModule: values.actions ? path.resolve(io.cwd, values.actions) : undefined,
      ...(maxPayloadBytes ? { maxPayloadBytes } : {}),
      workerMemoryMb,
      crashLimit,
      ...workflowLimitsOf(values["workflow-concurrency"], env),
      ...(values["no-drive"] ? { drive: false } : {}),
    });
  } catch (error) {
    if (error instanceof ServeRefusedError) {
      io.err(`sagaflow serve: ${error.message}`);
      return EXIT.failed;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      io.err(`sagaflow serve: port ${port} is already in use; stop the other server or pass --port`);
      return EXIT.failed;
    }
    throw error;
  }
  io.out(`Sagaflow is running at ${running.url}`);
  io.out(
    running.roots.length > 0
      ? `Action file paths allowed under: ${running.roots.join(", ")} (never the engine's own database)`
      : "Action file paths: none allowed (open a folder with --allow-path <dir>)",
  );

  await untilStopSignal(io, "serve");
  await running.close();
  return EXIT.ok;
}
