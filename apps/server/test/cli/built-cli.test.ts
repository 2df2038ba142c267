import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without types
import { buildCli } from "../../scripts/build-cli.mjs";
import { examplesDir, repoRoot, sagaflow } from "./cli-process";

/** The files a command's bundle imports statically, at start (dynamic `import()`s load only when used). */
const bundleOf = (entry: string, command: string) =>
  readFileSync(path.join(path.dirname(entry), "commands", `${command}.mjs`), "utf8");
function importsOf(entry: string, command: string): string[] {
  const bundle = bundleOf(entry, command);
  return [...bundle.matchAll(/(?:\bfrom|\bimport)\s*"([^"]+)"/g)].map((match) => match[1] as string);
}

const HEAVY = ["better-sqlite3", "piscina", "isolated-vm", "/pg/", "@opentelemetry", "tsx"];
const heavyIn = (imports: string[]) => HEAVY.filter((name) => imports.some((file) => file.includes(name)));

describe("the built command line", () => {
  // A build takes a few seconds, more on a loaded machine.
  it("loads no database, worker pool, isolate, PostgreSQL, tracing or tRPC for validate", {
    timeout: 120_000,
  }, async () => {
    const entry = (await buildCli()) as string;
    expect(entry.startsWith(path.join(repoRoot, "apps/server/dist/cli/"))).toBe(true);
    expect(heavyIn(importsOf(entry, "validate"))).toEqual([]);
    // The same check finds them where they belong.
    expect(heavyIn(importsOf(entry, "serve"))).toEqual(expect.arrayContaining(["better-sqlite3", "piscina"]));
    // tRPC is bundled (not a separate file): its router setup is in serve's bundle only.
    expect(bundleOf(entry, "validate")).not.toContain("initTRPC");
    expect(bundleOf(entry, "serve")).toContain("initTRPC");
  });

  it("runs as `pnpm sagaflow` runs it: validate's exit codes and output", { timeout: 120_000 }, async () => {
    const ok = await sagaflow(repoRoot, "validate", path.join(examplesDir, "order-saga.json"));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("order-saga.json");
    const missing = await sagaflow(repoRoot, "validate", "no-such-file.json");
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain("cannot read no-such-file.json");
  });
});
