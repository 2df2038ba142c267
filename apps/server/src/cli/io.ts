/** Where a command writes: stdout for results, stderr for progress-under-`--json` and errors. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The directory the command was invoked from: relative paths and the default allowed root. */
  cwd: string;
}

export const processIo = (): CliIo => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  cwd: process.cwd(),
});

/** A command: parses its own arguments, does its work, and answers with the process's exit code. */
export type CommandMain = (argv: string[], io: CliIo) => Promise<number>;
