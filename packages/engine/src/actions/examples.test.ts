import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validateDefinition } from "@sagaflow/shared";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDemoDatabase } from "../../../../examples/db-migration/setup";
import { builtinActions } from "./builtin";
import { invokeAction } from "./invoke";
import { builtinCatalog, createActionRegistry } from "./registry";
import { createTestContext, type TestContext } from "./testing";

const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../examples");
const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(examplesDir, file), "utf8"));
const exampleFiles = readdirSync(examplesDir).filter((file) => file.endsWith(".json"));

describe("shipped examples", () => {
  it("are the five of SPEC §7", () => {
    expect(exampleFiles.sort()).toEqual([
      "approval.json",
      "db-migration.json",
      "fan-out.json",
      "order-saga.json",
      "retry-loop.json",
    ]);
  });

  it.each(exampleFiles)("%s validates against the built-in actions with no errors or warnings", (file) => {
    const result = validateDefinition(readJson(file), { actions: builtinCatalog() });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.definition?.name).toBe(file.replace(/\.json$/, ""));
  });

  it.each(exampleFiles)("%s has a canvas position for every state", (file) => {
    const definition = validateDefinition(readJson(file)).definition!;
    const ids: string[] = [];
    const collect = (states: Record<string, unknown>) => {
      for (const [id, state] of Object.entries(states)) {
        ids.push(id);
        const nested = state as { branches?: Record<string, { states: Record<string, unknown> }> } & {
          iterator?: { states: Record<string, unknown> };
        };
        for (const branch of Object.values(nested.branches ?? {})) collect(branch.states);
        if (nested.iterator) collect(nested.iterator.states);
      }
    };
    collect(definition.states);
    expect(Object.keys(definition.layout ?? {})).toEqual(expect.arrayContaining(ids));
  });
});

/** Every table's schema and rows: equal dumps mean equal databases. */
function dump(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").all() as {
      type: string;
      name: string;
    }[];
    const tables = schema.filter((entry) => entry.type === "table").map((entry) => entry.name);
    return JSON.stringify({
      schema,
      rows: tables.map((t) => db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()),
    });
  } finally {
    db.close();
  }
}

describe("db-migration example, step by step with its own params", () => {
  const actions = createActionRegistry(builtinActions);
  const definition = validateDefinition(readJson("db-migration.json")).definition!;
  const paramsOf = (id: string) => (definition.states[id] as { params: Record<string, unknown> }).params;
  let root: string;
  let ctx: TestContext;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "sagaflow-example-"));
    ctx = createTestContext(root, { idempotencyKey: "run-1:backup_database:1" });
    createDemoDatabase(path.join(root, "demo.db"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Runs backup → migration → validation with the definition's literal params and the input's values. */
  async function migrate(inputFile: string) {
    const input = readJson(inputFile) as { migration: string[] };
    const run = (id: string, params: Record<string, unknown>) => {
      const state = definition.states[id] as { action: string };
      return invokeAction(actions.get(state.action)!, params, ctx);
    };
    const backup = (await run("backup_database", { database: "demo.db" })) as { path: string };
    await run("apply_migration", {
      ...paramsOf("apply_migration"),
      database: "demo.db",
      sql: input.migration,
    });
    const validation = await run("validate_data", { ...paramsOf("validate_data"), database: "demo.db" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    return { backup, validation, run };
  }

  it("the good migration passes validation and changes the schema", async () => {
    const before = dump(path.join(root, "demo.db"));
    const { backup, validation, run } = await migrate("db-migration/good-migration.json");
    expect(validation).toBeUndefined();
    expect(dump(path.join(root, "demo.db"))).not.toBe(before);
    expect(dump(path.join(root, "demo.db"))).toContain("last_login_at");
    await expect(run("cleanup_backup", { path: backup.path })).resolves.toEqual({ deleted: true });
  });

  it("the bad migration fails validation with 2 foreign key violations, and the restore undoes it", async () => {
    const before = dump(path.join(root, "demo.db"));
    const { backup, validation } = await migrate("db-migration/bad-migration.json");
    expect(validation).toMatchObject({ name: "ValidationError", message: "2 foreign key violations" });
    expect(dump(path.join(root, "demo.db"))).not.toBe(before);
    const restore = definition.states.restore_backup as { action: string };
    await invokeAction(actions.get(restore.action)!, { database: "demo.db", from: backup.path }, ctx);
    expect(dump(path.join(root, "demo.db"))).toBe(before);
  });
});
