import { LOG_FORMATS, type LogFormat } from "../logger";
import { UsageError } from "./args";
import { EXIT } from "./exit-codes";
import type { CliIo } from "./io";

/** What `serve` and `worker` share as long-running processes: their option readers and how they stop. */

export function parseLogFormat(text: string | undefined): LogFormat {
  if (text === undefined || text === "") return "human";
  if (!(LOG_FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--log-format must be ${LOG_FORMATS.join(" or ")}, got ${JSON.stringify(text)}`);
  }
  return text as LogFormat;
}

export function parseInteger(
  text: string | undefined,
  what: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Resolves on the first SIGTERM or SIGINT (a graceful stop); a second one forces the exit. */
export function untilStopSignal(io: CliIo, command: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      io.err(`sagaflow ${command}: ${signal}, shutting down (again to force)`);
      process.once(signal, () => process.exit(EXIT.failed));
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
