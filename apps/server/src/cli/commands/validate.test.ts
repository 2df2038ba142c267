import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "@sagaflow/shared";
import { afterAll, describe, expect, it } from "vitest";
import { formatDiagnostics } from "./validate";

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, "../../..");
const repoRoot = path.resolve(serverDir, "../..");
const mainFile = path.resolve(here, "../main.ts");
const scratch = mkdtempSync(path.join(tmpdir(), "sagaflow-validate-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the real command line in a child process, as a user would. */
function sagaflow(...args: string[]): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env.INIT_CWD;
  delete env.npm_lifecycle_event;
  return spawnSync(process.execPath, ["--import", "tsx", mainFile, ...args], {
    cwd: serverDir,
    encoding: "utf8",
    env,
  });
}

function writeScratch(name: string, content: unknown): string {
  const file = path.join(scratch, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

const brokenNext = {
  name: "broken",
  startAt: "a",
  states: { a: { type: "task", action: "log", params: { message: "hi" }, next: "ghost" } },
};

describe("sagaflow validate", { timeout: 30_000 }, () => {
  it("exits 0 on every shipped example", () => {
    const examples = readdirSync(path.join(repoRoot, "examples")).filter((name) => name.endsWith(".json"));
    expect(examples).toContain("db-migration.json");
    for (const example of examples) {
      const result = sagaflow("validate", path.join(repoRoot, "examples", example));
      expect({ example, status: result.status, stderr: result.stderr }).toEqual({
        example,
        status: 0,
        stderr: "",
      });
      expect(result.stdout).toMatch(/is valid \(0 errors/);
    }
  });

  it("exits 1 on a next to a missing state, naming that state and its path", () => {
    const result = sagaflow("validate", writeScratch("broken.json", brokenNext));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '[a] $.states.a.next: "next" of "a" goes to "ghost", which does not exist (unknown-target)',
    );
    expect(result.stdout).toMatch(/broken\.json is invalid \(1 error, 0 warnings\)/);
  });

  it("prints one JSON object with --json", () => {
    const result = sagaflow("validate", writeScratch("broken-json.json", brokenNext), "--json");
    expect(result.status).toBe(1);
    const output = JSON.parse(result.stdout) as { ok: boolean; diagnostics: Diagnostic[] };
    expect(output.ok).toBe(false);
    expect(output.diagnostics).toEqual([
      expect.objectContaining({
        code: "unknown-target",
        stateId: "a",
        path: "$.states.a.next",
        severity: "error",
      }),
    ]);
  });

  it("checks actions against the built-in catalog", () => {
    const definition = {
      ...brokenNext,
      states: { a: { type: "task", action: "sql.exec", params: { sql: 1 }, end: true } },
    };
    const result = sagaflow("validate", writeScratch("params.json", definition), "--json");
    expect(result.status).toBe(1);
    const output = JSON.parse(result.stdout) as { diagnostics: Diagnostic[] };
    expect(output.diagnostics.map((d) => d.code)).toContain("invalid-params");
  });

  it("knows custom actions from --actions modules", () => {
    const file = writeScratch("custom.json", {
      name: "custom",
      startAt: "hello",
      states: { hello: { type: "task", action: "greet", params: { name: "Ada" }, end: true } },
    });
    expect(sagaflow("validate", file).status).toBe(1);
    const withModule = sagaflow("validate", file, "--actions", path.join(here, "fixtures/greet-actions.ts"));
    expect(withModule.stderr).toBe("");
    expect(withModule.status).toBe(0);
  });

  it("exits 64 on a file that is not JSON, printing the line and column", () => {
    const file = writeScratch("not-json.json", '{\n  "name": "x",\n  "startAt": "a"\n  "states": {}\n}\n');
    const result = sagaflow("validate", file);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain("not-json.json:4:3: not valid JSON");
    expect(result.stderr).toContain('expected "," or "}"');
  });

  it.each([
    ["no file", []],
    ["an unknown option", ["x.json", "--fast"]],
    ["two files", ["a.json", "b.json"]],
    ["a missing file", ["does-not-exist.json"]],
  ])("exits 64 on bad usage: %s", (_case, args) => {
    const result = sagaflow("validate", ...args);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/usage: sagaflow validate <file>/i);
  });

  it("works through the root script: pnpm sagaflow validate examples/db-migration.json", () => {
    const result = spawnSync("pnpm", ["--silent", "sagaflow", "validate", "examples/db-migration.json"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("examples/db-migration.json is valid");
  });
});

describe("formatDiagnostics", () => {
  it("prints severity, state, path, message and code, then a summary", () => {
    const text = formatDiagnostics("flow.json", [
      { severity: "error", code: "unknown-target", stateId: "a", path: "$.states.a.next", message: "bad" },
      { severity: "warning", code: "unreachable-state", stateId: "b", path: "$.states.b", message: "lonely" },
      { severity: "warning", code: "x", path: "$", message: "global" },
    ]);
    expect(text.split("\n")).toEqual([
      "  ✗ error   [a] $.states.a.next: bad (unknown-target)",
      "  ⚠ warning [b] $.states.b: lonely (unreachable-state)",
      "  ⚠ warning $: global (x)",
      "✗ flow.json is invalid (1 error, 2 warnings)",
    ]);
    expect(formatDiagnostics("ok.json", [])).toBe("✓ ok.json is valid (0 errors, 0 warnings)");
  });
});
