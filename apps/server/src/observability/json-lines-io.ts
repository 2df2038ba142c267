import type { CliIo } from "../cli/io";
import { createJsonLogger } from "../logger";

/**
 * A command's output as JSON lines (`--log-format json`): what it prints on stdout becomes an info entry
 * there, what it prints on stderr an error entry there, each `{"level","time","msg"}` like the logs.
 */
export function jsonLinesIo(io: CliIo): CliIo {
  const out = createJsonLogger({ write: (line) => io.out(line.trimEnd()) });
  const err = createJsonLogger({ write: (line) => io.err(line.trimEnd()) });
  return { out: (line) => out.info(line), err: (line) => err.error(line), cwd: io.cwd };
}
