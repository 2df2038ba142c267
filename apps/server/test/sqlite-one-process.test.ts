import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir } from "./cli/cli-process";
import { type ClusterProcess, startServe } from "./cluster/cluster-process";
import { createClient, eventually, helloDefinition } from "./helpers";

/**
 * One `serve` per SQLite file (cluster/sqlite-file-lock.ts): a second real process on the same file is
 * refused with a clear message and a non-zero exit; once the first is killed with SIGKILL, a new one starts
 * on the file (the dead process's lock is taken over) and finishes the first one's runs at once.
 */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-one-sqlite-"));
const processes: ClusterProcess[] = [];
afterAll(async () => {
  for (const process of processes) process.child.kill("SIGKILL");
  await Promise.all(processes.map((process) => process.exited));
  removeDir(dir);
}, 60_000);

function serve(name: string, db: string): ClusterProcess {
  const started = startServe(name, db, dir, { env: { SAGAFLOW_INSTANCE: "" } });
  processes.push(started);
  return started;
}

describe("two sagaflow serve on one SQLite file", { timeout: 120_000 }, () => {
  it("refuses the second, and a SIGKILLed first one's file is taken over by the next", async () => {
    const db = path.join(dir, "one.db");
    const first = serve("first", db);
    const client = createClient(await first.ready);
    expect(existsSync(`${db}.lock`)).toBe(true);

    const second = serve("second", db);
    const refused = await second.exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${db} is in use by another sagaflow process (pid ${first.child.pid}`);
    expect(refused.stderr).toContain("postgres://");
    // The refused process touched nothing: the first still serves.
    await client.definitions.save.mutate({ definition: helloDefinition("hello", "3s") });
    const { runId } = await client.runs.start.mutate({ name: "hello", input: { who: "ada" } });

    first.child.kill("SIGKILL");
    await first.exited;
    const third = serve("third", db);
    const thirdClient = createClient(await third.ready);
    await eventually(
      async () => (await thirdClient.runs.get.query({ runId })).run.status,
      (status) => status === "succeeded",
      30_000,
    );
    third.child.kill("SIGTERM");
    expect((await third.exited).code).toBe(0);
    // A graceful stop releases the lock.
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
