import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoDatabase } from "../../../examples/db-migration/setup";
import { collectRunEvents, startTestServer, type TestServer } from "./helpers";

/**
 * The db-migration example through the server, for real against a SQLite file: the server's working
 * directory holds an `examples/` copy (an allowed root) with the demo database.
 */

const repoExamples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const input = (file: string) =>
  JSON.parse(readFileSync(path.join(repoExamples, "db-migration", file), "utf8"));

const workDir = mkdtempSync(path.join(tmpdir(), "sagaflow-migration-"));
let t: TestServer;
beforeAll(async () => {
  const examples = path.join(workDir, "examples");
  mkdirSync(path.join(examples, "db-migration"), { recursive: true });
  copyFileSync(path.join(repoExamples, "db-migration.json"), path.join(examples, "db-migration.json"));
  createDemoDatabase(path.join(examples, "db-migration", "demo.db"));
  t = await startTestServer({ examplesDir: examples, workingDir: workDir });
});
afterAll(async () => {
  await t.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe("db-migration through the server", { timeout: 30_000 }, () => {
  it("seeds the example and runs a good migration to success", async () => {
    const [seeded] = await t.client.definitions.list.query();
    expect(seeded?.name).toBe("db-migration");
    const { runId } = await t.client.runs.start.mutate({
      name: "db-migration",
      input: input("good-migration.json"),
    });
    const { events } = await collectRunEvents(t.client, { runId });
    expect(events.at(-1)?.event.type).toBe("RunSucceeded");
  });

  it("compensates a bad migration by restoring the backup", async () => {
    const { runId } = await t.client.runs.start.mutate({
      name: "db-migration",
      input: input("bad-migration.json"),
    });
    const { events } = await collectRunEvents(t.client, { runId });
    expect(events.at(-1)?.event.type).toBe("RunCompensated");
    const got = await t.client.runs.get.query({ runId });
    expect(got.run.status).toBe("compensated");
  });

  it("refuses a database outside the allowed roots", async () => {
    const { runId } = await t.client.runs.start.mutate({
      name: "db-migration",
      input: { ...input("good-migration.json"), database: "../../outside.db" },
    });
    const { events } = await collectRunEvents(t.client, { runId });
    const failure = events.find((e) => e.event.type === "StepAttemptFailed");
    expect(JSON.stringify(failure?.event)).toContain("ForbiddenPath");
    expect(["failed", "compensated"]).toContain((await t.client.runs.get.query({ runId })).run.status);
  });
});
