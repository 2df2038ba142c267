import type { Logger } from "@sagaflow/engine";

/** One line per entry on stderr: time, level, message, then the fields as JSON. Errors are alert-worthy. */
export function createLineLogger(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const details = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    write(`${new Date().toISOString()} ${level} ${message}${details}`);
  };
  return { info: log("INFO "), warn: log("WARN "), error: log("ERROR") };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
