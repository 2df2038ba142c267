import type { Logger } from "@sagaflow/engine";
import pino from "pino";
import { stderrLines } from "./log-lines";

/** `--log-format`: `human` (the default, one readable line per entry) or `json` (one JSON object per line). */
export type LogFormat = "human" | "json";
export const LOG_FORMATS: readonly LogFormat[] = ["human", "json"];

/**
 * `--log-level`: the least severe entry written (default `info`). `warn` drops the `info` entries, among
 * them the two lines of every run (`run started`, `run <status>`): at thousands of runs a second those
 * cost the server's thread ~10 µs per run, measured (docs/operations.md "Logs").
 */
export type LogLevel = "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["info", "warn", "error"];

/**
 * One line per entry on stderr: time, level, message, then the fields as JSON (with the run's `traceId`
 * when they name a `runId`, as in JSON lines). Errors are alert-worthy. Stderr is written once per
 * event-loop turn, and at exit (log-lines.ts).
 */
export function createLineLogger(
  write: (line: string) => void = (line) => stderrLines().write(`${line}\n`),
  traceIdOf?: (runId: string) => string | undefined,
): Logger {
  const log = (level: string) => (message: string, given?: Record<string, unknown>) => {
    write(`${isoNow()} ${level} ${message}${details(given, traceIdOf)}`);
  };
  return { info: log("INFO "), warn: log("WARN "), error: log("ERROR") };
}

/**
 * A human line's fields as ` {json}` (empty without fields), the run's trace id last. Built as text, not
 * as a copy of the fields: a server writes two of these per run it starts.
 */
function details(
  fields: Record<string, unknown> | undefined,
  traceIdOf: ((runId: string) => string | undefined) | undefined,
): string {
  if (fields === undefined) return "";
  const json = JSON.stringify(fields);
  if (json === "{}") return "";
  const traceId = traceIdFor(fields, traceIdOf);
  return traceId ? ` ${json.slice(0, -1)},"traceId":${JSON.stringify(traceId)}}` : ` ${json}`;
}

let lastMs = Number.NaN;
let lastIso = "";

/** The time as ISO 8601, formatted once per millisecond however many lines share it. */
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/**
 * One JSON object per line (pino), for log pipelines: `{"level":"info","time":"…","msg":"…",…fields}`.
 * A line about a run (its fields name a `runId`) also carries the run's `traceId`, the id of its
 * OpenTelemetry trace, so logs and traces join.
 */
export function createJsonLogger(
  options: {
    traceIdOf?: (runId: string) => string | undefined;
    /** Default: stderr, written once per event-loop turn and at exit, so no line is lost (log-lines.ts). */
    write?: (line: string) => void;
  } = {},
): Logger {
  const destination = { write: options.write ?? ((line: string) => stderrLines().write(line)) };
  const base = pino(
    {
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const log = (level: "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) => {
    base[level](withTraceId(fields, options.traceIdOf) ?? {}, message);
  };
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** The fields, plus the trace id of the run they name (a line about a run joins the run's trace). */
function withTraceId(
  fields: Record<string, unknown> | undefined,
  traceIdOf: ((runId: string) => string | undefined) | undefined,
): Record<string, unknown> | undefined {
  const traceId = traceIdFor(fields, traceIdOf);
  return traceId ? { ...fields, traceId } : fields;
}

/** The trace id a line's fields should carry: the run's, when they name a run and carry none yet. */
function traceIdFor(
  fields: Record<string, unknown> | undefined,
  traceIdOf: ((runId: string) => string | undefined) | undefined,
): string | undefined {
  const runId = fields?.runId;
  return typeof runId === "string" && fields?.traceId === undefined ? traceIdOf?.(runId) : undefined;
}

export function createLogger(
  format: LogFormat,
  traceIdOf?: (runId: string) => string | undefined,
  level: LogLevel = "info",
): Logger {
  const logger =
    format === "json"
      ? createJsonLogger(traceIdOf ? { traceIdOf } : {})
      : createLineLogger(undefined, traceIdOf);
  return atLevel(logger, level);
}

/** The logger without the entries less severe than `level`: they cost nothing, not even their formatting. */
export function atLevel(logger: Logger, level: LogLevel): Logger {
  const from = LOG_LEVELS.indexOf(level);
  const dropped = () => undefined;
  return {
    info: from <= 0 ? logger.info : dropped,
    warn: from <= 1 ? logger.warn : dropped,
    error: logger.error,
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
