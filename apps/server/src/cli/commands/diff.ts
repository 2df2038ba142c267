import { existsSync } from "node:fs";
import path from "node:path";
import { type DefinitionDiff, diffDefinitions } from "@sagaflow/engine/core";
import { type Definition, definitionSchema } from "@sagaflow/shared";
import { CliError, parseCommandArgs, readJsonFile, requireDb, UsageError } from "../args";
import { EXIT } from "../exit-codes";
import type { CliIo } from "../io";
import { openStore } from "../session";

const OPTIONS = { db: { type: "string" }, json: { type: "boolean" } } as const;
/** `name@3` or `name@latest`: a stored version (a file of that name wins). */
const STORED = /^([a-z0-9][a-z0-9_-]*)@(\d+|latest)$/;

interface Side {
  label: string;
  definition: Definition;
}

/**
 * `sagaflow diff <a> <b> [--db F] [--json]`: what differs between two workflow definitions, each a file or
 * a stored `name@n` (`name@latest`) from the database. States added, removed and changed (with the fields),
 * edges added and removed; the layout is ignored. Exit 0 when they are the same, 1 when they differ, 64 when
 * one cannot be read (so `diff` works in scripts like the Unix one).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["a", "b"]);
  const [a, b] = await loadSides(positionals as [string, string], values.db, io.cwd);
  const diff = diffDefinitions(a.definition, b.definition);
  if (values.json === true) io.out(JSON.stringify({ a: a.label, b: b.label, ...diff }));
  else for (const line of describeDiff(a.label, b.label, diff)) io.out(line);
  return diff.same ? EXIT.ok : EXIT.failed;
}

async function loadSides(args: [string, string], db: string | undefined, cwd: string): Promise<[Side, Side]> {
  const stored = args.map((arg) => (existsSync(path.resolve(cwd, arg)) ? null : STORED.exec(arg)));
  const store = stored.some(Boolean)
    ? openStore(requireDb(db, "diff (for name@version)"), { create: false, cwd })
    : null;
  try {
    const sides: Side[] = [];
    for (const [i, arg] of args.entries()) {
      const match = stored[i];
      if (match && store) {
        const [, name, version] = match as unknown as [string, string, string];
        const found = await store.getDefinition(name, version === "latest" ? undefined : Number(version));
        if (!found)
          throw new CliError(
            `no definition ${name}${version === "latest" ? "" : ` v${version}`} in ${db}`,
            EXIT.usage,
          );
        sides.push({ label: `${name} v${found.version}`, definition: found.definition });
      } else {
        const parsed = definitionSchema.safeParse(readJsonFile(path.resolve(cwd, arg), "definition"));
        if (!parsed.success) {
          throw new UsageError(
            `${arg} is not a workflow definition (check it with \`sagaflow validate ${arg}\`)`,
          );
        }
        sides.push({ label: arg, definition: parsed.data });
      }
    }
    return sides as [Side, Side];
  } finally {
    await store?.close();
  }
}

/** One line per difference: `+` added, `-` removed, `~` changed (with its fields). */
export function describeDiff(a: string, b: string, diff: DefinitionDiff): string[] {
  if (diff.same) return [`${a} and ${b} are the same (the layout aside)`];
  const count = diff.fields.length + diff.states.length + diff.edges.length;
  const lines = [`${a} → ${b}: ${count} difference${count === 1 ? "" : "s"}`];
  for (const field of diff.fields) lines.push(`~ workflow ${field}`);
  for (const state of diff.states) {
    const mark = state.change === "added" ? "+" : state.change === "removed" ? "-" : "~";
    lines.push(
      `${mark} state ${state.stateId}${state.fields.length > 0 ? `: ${state.fields.join(", ")}` : ""}`,
    );
  }
  for (const edge of diff.edges) {
    lines.push(`${edge.change === "added" ? "+" : "-"} edge ${edge.from} → ${edge.to} (${edge.kind})`);
  }
  return lines;
}
