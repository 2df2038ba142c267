import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "../logger";
import { UsageError } from "./args";
import { EXIT } from "./exit-codes";
import type { CliIo } from "./io";

/** What `serve` and `worker` share as long-running processes: their option readers and how they stop. */

export function parseLogFormat(text: string | undefined): LogFormat {
  return parseChoice(text, "--log-format", LOG_FORMATS, "human");
}

export function parseLogLevel(text: string | undefined): LogLevel {
  return parseChoice(text, "--log-level", LOG_LEVELS, "info");
}

/** One of `choices`; unset or empty: `fallback`; anything else is a usage error naming the choices. */
function parseChoice<T extends string>(
  text: string | undefined,
  flag: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (text === undefined || text === "") return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    const names = `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
    throw new UsageError(`${flag} must be ${names}, got ${JSON.stringify(text)}`);
  }
  return text as T;
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
