import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { actionCatalog, builtinActions, loadActionsModule } from "@sagaflow/engine";
import { type ActionCatalog, type Diagnostic, parseJsonText, validateDefinition } from "@sagaflow/shared";

/** Where the command writes (the CLI's io: one line per call). */
export interface ValidateIo {
  out(line: string): void;
  err(line: string): void;
  /** The directory the command was invoked from; the file is resolved against it. */
  cwd: string;
}

export const VALIDATE_USAGE = "validate <file> [--json] [--actions <module>]…";

const EXIT = { ok: 0, errors: 1, usage: 64 } as const;

/** `sagaflow validate <file> [--json] [--actions M]…`: 0 no errors, 1 errors, 64 bad usage or not JSON. */
export async function main(argv: string[], io: ValidateIo): Promise<number> {
  const usage = (message: string) => {
    io.err(`sagaflow validate: ${message}\nusage: sagaflow ${VALIDATE_USAGE}`);
    return EXIT.usage;
  };
  let parsed: ReturnType<typeof parseValidateArgs>;
  try {
    parsed = parseValidateArgs(argv);
  } catch (error) {
    return usage((error as Error).message);
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) return usage("missing <file>");
  if (extra.length > 0) return usage(`unexpected argument ${JSON.stringify(extra[0])}`);
  const json = parsed.values.json === true;

  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), "utf8");
  } catch (error) {
    return usage(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }

  const parsedText = parseJsonText(text.replace(/^\uFEFF/, ""));
  if (!parsedText.ok) {
    const { message, line, column, offset } = parsedText;
    if (json) io.out(JSON.stringify({ file, ok: false, error: { message, line, column, offset } }));
    io.err(`${file}:${line}:${column}: not valid JSON: ${message}\n${excerpt(text, line, column)}`);
    return EXIT.usage;
  }

  let actions: ActionCatalog;
  try {
    actions = await loadCatalog(parsed.values.actions ?? [], io.cwd);
  } catch (error) {
    return usage((error as Error).message);
  }

  const result = validateDefinition(parsedText.value, { actions });
  if (json) io.out(JSON.stringify({ file, ok: result.ok, diagnostics: result.diagnostics }));
  else io.out(formatDiagnostics(file, result.diagnostics));
  return result.ok ? EXIT.ok : EXIT.errors;
}

function parseValidateArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { json: { type: "boolean" }, actions: { type: "string", multiple: true } },
    allowPositionals: true,
    strict: true,
  });
}

/** The built-in actions plus those of each `--actions` module, so custom actions are known too. */
async function loadCatalog(modules: string[], cwd: string): Promise<ActionCatalog> {
  const custom = [];
  for (const module of modules) custom.push(...(await loadActionsModule(path.resolve(cwd, module))));
  return actionCatalog([...builtinActions, ...custom]);
}

/** Human-readable diagnostics: one line each (severity, state, path, message, code), then a summary line. */
export function formatDiagnostics(file: string, diagnostics: readonly Diagnostic[]): string {
  const lines = diagnostics.map((d) => {
    const mark = d.severity === "error" ? "✗ error  " : "⚠ warning";
    const state = d.stateId === undefined ? "" : `[${d.stateId}] `;
    return `  ${mark} ${state}${d.path}: ${d.message} (${d.code})`;
  });
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const counts = `${plural(errors, "error")}, ${plural(diagnostics.length - errors, "warning")}`;
  const summary = errors === 0 ? `✓ ${file} is valid (${counts})` : `✗ ${file} is invalid (${counts})`;
  return [...lines, summary].join("\n");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The offending line with a caret under the column (long lines are cut around it). */
function excerpt(text: string, line: number, column: number): string {
  const source = text.split("\n")[line - 1] ?? "";
  const start = source.length > 120 ? Math.max(0, column - 60) : 0;
  const shown = source.slice(start, start + 120).replace(/\t/g, " ");
  return `  ${shown}\n  ${" ".repeat(Math.max(0, column - 1 - start))}^`;
}
