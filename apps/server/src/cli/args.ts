import { readFileSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { describeReservedKey, findReservedKeys, type JsonValue, parseJsonText } from "@sagaflow/shared";

/** Bad usage: a missing argument, an unknown option, malformed JSON. The CLI prints it and exits 64. */
export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `--http-allow`, `--http-deny`, `--http-max-response`: serve and the run-driving commands (http-policy-flags.ts). */
export const HTTP_POLICY_OPTIONS = {
  "http-allow": { type: "string", multiple: true },
  "http-deny": { type: "string", multiple: true },
  "http-max-response": { type: "string" },
} as const satisfies Options;

/** Options every command that drives runs understands (SPEC §5: run, resume, recover). */
export const DRIVE_OPTIONS = {
  db: { type: "string" },
  actions: { type: "string" },
  "allow-path": { type: "string", multiple: true },
  json: { type: "boolean" },
  ...HTTP_POLICY_OPTIONS,
} as const satisfies Options;

/**
 * `parseArgs`, strict, with its errors turned into UsageError, and the positionals counted: a command
 * names the positionals it needs, so a missing or extra one is reported by name.
 */
export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  positionals: readonly string[],
) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const missing = positionals.slice(parsed.positionals.length);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `<${name}>`).join(" ")}`);
  const extra = parsed.positionals.slice(positionals.length);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  return parsed;
}

/**
 * Parses a JSON option's text; `what` names it in the error (e.g. "--input"). A reserved key
 * (`__proto__`, `constructor`, `prototype`) is refused by name, as the API does.
 */
export function parseJsonArgument(text: string, what: string): JsonValue {
  const parsed = parseJsonText(text);
  if (parsed.ok) {
    const [reserved] = findReservedKeys(parsed.value);
    if (reserved) throw new UsageError(describeReservedKey(reserved, what));
    return parsed.value as JsonValue;
  }
  const where = text.includes("\n")
    ? `line ${parsed.line}, column ${parsed.column}`
    : `column ${parsed.column}`;
  throw new UsageError(`${what} is not valid JSON (${where}): ${parsed.message}`);
}

/** Reads and parses a JSON file named on the command line. */
export function readJsonFile(file: string, what: string): JsonValue {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseJsonArgument(text, `${what} ${file}`);
}

/** The `--db` option (a SQLite file or a postgres:// URL), else DATABASE_URL: required by every command but `run`. */
export function requireDb(db: string | undefined, command: string): string {
  const named = db || process.env.DATABASE_URL;
  if (!named) throw new UsageError(`${command} needs --db <file or postgres:// URL> (or DATABASE_URL)`);
  return named;
}

/** A clear one-line refusal with its exit code (an unknown run id, a database that is not there). */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
