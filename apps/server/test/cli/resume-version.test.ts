import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "@sagaflow/engine";
import type { Definition } from "@sagaflow/shared";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir, sagaflow } from "./cli-process";

/** resume --version, resolve and diff through the real command line in child processes. */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-cli-version-"));
afterAll(() => removeDir(dir));

let files = 0;
function write(name: string, definition: unknown): string {
  files += 1;
  const file = path.join(dir, `${name}-${files}.json`);
  writeFileSync(file, JSON.stringify(definition));
  return file;
}
const freshDb = () => {
  files += 1;
  return `runs-${files}.db`;
};
const runIdOf = (stdout: string) => (JSON.parse(stdout) as { runId: string }).runId;

/** book (undone by unbook) → reserve_flight (v1's bug: it always fails, abort) → done. */
function trip(fails: number, layout = false): Definition {
  return {
    name: "trip",
    startAt: "book",
    states: {
      book: {
        type: "task",
        action: "transform",
        params: { value: { booking: "B-1" } },
        effect: "write",
        compensateWith: "unbook",
        next: "reserve_flight",
      },
      reserve_flight: {
        type: "task",
        action: "flaky",
        params: { failTimes: fails, error: "BadUrl", output: { flight: "F-9" } },
        retry: { maxAttempts: 1 },
        onError: "abort",
        next: "done",
      },
      done: { type: "succeed" },
      unbook: { type: "compensation", action: "transform", params: { value: "unbooked" } },
    },
    ...(layout ? { layout: { book: { x: 10, y: 20 } } } : {}),
  };
}

async function saveVersion(db: string, definition: Definition): Promise<number> {
  const store = openSqliteStore(path.join(dir, db));
  try {
    return (await store.saveDefinition(definition, new Date().toISOString())).version;
  } finally {
    await store.close();
  }
}

describe("sagaflow resume --version, resolve, diff", { timeout: 120_000 }, () => {
  it.concurrent("resume --version latest prints the report and finishes the run on the fixed version (0)", async () => {
    const db = freshDb();
    const failed = await sagaflow(dir, "run", write("trip", trip(99)), "--db", db, "--json");
    expect(failed.code).toBe(1);
    const runId = runIdOf(failed.stdout);
    expect(await saveVersion(db, trip(0))).toBe(2);

    const plain = await sagaflow(dir, "resume", runId, "--db", db, "--version", "two");
    expect(plain.code).toBe(64);
    expect(plain.stderr).toContain('--version takes a version number or "latest"');

    const resumed = await sagaflow(dir, "resume", runId, "--db", db, "--version", "latest", "--json");
    expect(resumed.stderr).toContain("trip: v1 → v2");
    expect(resumed.stderr).toContain("kept (not run again): book");
    expect(resumed.stderr).toContain("changed states: reserve_flight (params)");
    expect(resumed.stderr).toContain("continues at: reserve_flight");
    expect(resumed.stderr).toContain("[MOVED] v1 → v2");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, status: "succeeded" });

    const history = await sagaflow(dir, "history", runId, "--db", db, "--json");
    const { events } = JSON.parse(history.stdout) as { events: { event: { type: string } }[] };
    const types = events.map((e) => e.event.type);
    expect(types.filter((type) => type === "StepSucceeded")).toHaveLength(2);
  });

  it.concurrent("resume --version refuses an incompatible version with its reasons (64), running nothing", async () => {
    const db = freshDb();
    const failed = await sagaflow(dir, "run", write("trip", trip(99)), "--db", db, "--json");
    const runId = runIdOf(failed.stdout);
    const fixed = trip(0);
    const { book: _book, unbook: _unbook, ...states } = fixed.states;
    await saveVersion(db, { ...fixed, startAt: "reserve_flight", states });
    const refused = await sagaflow(dir, "resume", runId, "--db", db, "--version", "2");
    expect(refused.code).toBe(64);
    expect(refused.stdout).toContain('"book" holds completed work and v2 has no such state');
    expect(refused.stderr).toContain(`run ${runId} stays on v1: nothing was run`);
    const status = await sagaflow(dir, "status", runId, "--db", db, "--json");
    expect(JSON.parse(status.stdout)).toMatchObject({ status: "failed" });
  });

  it.concurrent("run of a file that differs from the stored latest says it saved a new version", async () => {
    const db = freshDb();
    const first = await sagaflow(dir, "run", write("trip", trip(0)), "--db", db);
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain("[SAVED]");
    const same = await sagaflow(dir, "run", write("trip", trip(0, true)), "--db", db);
    expect(same.stdout).toContain("[SAVED] saved as trip v2: the file differs from the stored v1");
    const again = await sagaflow(dir, "run", write("trip", trip(0, true)), "--db", db);
    expect(again.stdout).not.toContain("[SAVED]");
  });

  it.concurrent("--json's compensated list keeps each entry's scope (map iterations)", async () => {
    const shipping = write("shipping", {
      name: "shipping",
      startAt: "each",
      states: {
        each: {
          type: "map",
          items: ["a", "b"],
          maxConcurrency: 1,
          next: "charge",
          iterator: {
            startAt: "ship_item",
            states: {
              ship_item: {
                type: "task",
                action: "transform",
                params: { value: 1 },
                compensateWith: "unship",
                end: true,
              },
              unship: { type: "compensation", action: "transform", params: { value: 0 } },
            },
          },
        },
        charge: { type: "fail", error: "Declined", message: "card declined" },
      },
    });
    const result = await sagaflow(dir, "run", shipping, "--db", freshDb(), "--json");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: "compensated",
      compensated: ["each[1]/ship_item", "each[0]/ship_item"],
    });
  });

  it.concurrent("compensate undoes what an aborted run completed (1, compensated), and only once (64)", async () => {
    const db = freshDb();
    const failed = await sagaflow(dir, "run", write("trip", trip(99)), "--db", db, "--json");
    const runId = runIdOf(failed.stdout);
    const undone = await sagaflow(dir, "compensate", runId, "--db", db, "--json");
    expect(undone.code).toBe(1);
    expect(JSON.parse(undone.stdout)).toMatchObject({ runId, status: "compensated", compensated: ["book"] });
    const again = await sagaflow(dir, "compensate", runId, "--db", db);
    expect(again.code).toBe(64);
  });

  it.concurrent("resolve marks the failed step done with its output and the run goes on (0)", async () => {
    const db = freshDb();
    const failed = await sagaflow(dir, "run", write("trip", trip(99)), "--db", db, "--json");
    const runId = runIdOf(failed.stdout);
    const usage = await sagaflow(dir, "resolve", runId, "--db", db);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("resolve needs --output");
    const resolved = await sagaflow(
      dir,
      "resolve",
      runId,
      "--state",
      "reserve_flight",
      "--output",
      '{"flight":"by hand"}',
      "--db",
      db,
      "--json",
    );
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ runId, status: "succeeded" });
    const again = await sagaflow(dir, "resolve", runId, "--output", "{}", "--db", db);
    expect(again.code).toBe(64);
  });

  it.concurrent("diff: files and name@n from a database; 0 same (layout aside), 1 different, --json", async () => {
    const a = write("a", trip(99));
    const same = await sagaflow(dir, "diff", a, write("a-moved", trip(99, true)));
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("are the same");

    const differ = await sagaflow(dir, "diff", a, write("b", trip(0)));
    expect(differ.code).toBe(1);
    expect(differ.stdout).toContain("~ state reserve_flight: params");

    const db = freshDb();
    await saveVersion(db, trip(99));
    const extra = trip(0);
    extra.states.audit = { type: "succeed" };
    const rf = extra.states.reserve_flight;
    if (rf?.type === "task") extra.states.reserve_flight = { ...rf, next: "audit" };
    await saveVersion(db, extra);
    const stored = await sagaflow(dir, "diff", "trip@1", "trip@latest", "--db", db, "--json");
    expect(stored.code).toBe(1);
    expect(JSON.parse(stored.stdout)).toMatchObject({
      a: "trip v1",
      b: "trip v2",
      same: false,
      states: [
        { stateId: "reserve_flight", change: "changed", fields: ["next", "params"] },
        { stateId: "audit", change: "added" },
      ],
      edges: [
        { from: "reserve_flight", to: "done", kind: "next", change: "removed" },
        { from: "reserve_flight", to: "audit", kind: "next", change: "added" },
      ],
    });
    const missing = await sagaflow(dir, "diff", "trip@7", a, "--db", db);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain("no definition trip v7");
  });
});
