import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonValue, RunSnapshot } from "@sagaflow/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDemoDatabase } from "../../../../examples/db-migration/setup";
import { FakeClock } from "../runtime/clock";
import { Engine } from "../runtime/engine";
import { MemoryRunStore } from "../store/memory-store";
import { builtinActions } from "./builtin";
import { createPathPolicy } from "./paths";

/** The shipped examples run end to end through the engine with the built-in actions. */

const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../examples");
const example = (file: string) => JSON.parse(readFileSync(path.join(examplesDir, file), "utf8"));

let root: string;
let engine: Engine;

function createEngine(clock?: FakeClock): Engine {
  return new Engine({
    store: new MemoryRunStore(),
    actions: builtinActions,
    resolvePath: createPathPolicy([root]).resolvePath,
    ...(clock ? { clock } : {}),
  });
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "sagaflow-examples-run-"));
  engine = createEngine();
});
afterEach(async () => {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

async function run(file: string, input: JsonValue) {
  const id = await engine.start(example(file), input);
  const record = await engine.waitFor(id);
  const snapshot = record.snapshot as RunSnapshot & { output?: JsonValue; error?: JsonValue };
  const history = (await engine.getHistory(id)).map((stored) => stored.event);
  const entered = history.flatMap((event) =>
    event.type === "StateEntered" ? [event.stateId as string] : [],
  );
  return { id, status: record.status, snapshot, entered };
}

describe("db-migration", () => {
  const input = (file: string) => ({ ...example(`db-migration/${file}`), database: "demo.db" });

  it("succeeds with the good migration", async () => {
    createDemoDatabase(path.join(root, "demo.db"));
    const result = await run("db-migration.json", input("good-migration.json"));
    expect(result.status).toBe("succeeded");
    expect(result.entered).toEqual([
      "backup_database",
      "apply_migration",
      "validate_data",
      "cleanup_backup",
      "migrated",
    ]);
    expect(result.snapshot.output).toMatchObject({ backupDeleted: true });
  });

  it("is compensated with the bad migration: 2 foreign key violations", async () => {
    createDemoDatabase(path.join(root, "demo.db"));
    const result = await run("db-migration.json", input("bad-migration.json"));
    expect(result.status).toBe("compensated");
    expect(JSON.stringify(result.snapshot)).toContain("2 foreign key violations");
    expect(result.entered).toEqual(["backup_database", "apply_migration", "validate_data"]);
  });
});

describe("order-saga", () => {
  const order = { orderId: "o-1", sku: "widget", quantity: 2, amount: 25 };

  it("succeeds, retrying the flaky payment", async () => {
    const result = await run("order-saga.json", order);
    expect(result.status).toBe("succeeded");
    expect(result.snapshot.output).toEqual({ orderId: "o-1", reservation: "R-o-1", payment: "P-o-1" });
  });

  it("refunds and releases when shipping fails", async () => {
    const result = await run("order-saga.json", { ...order, failAt: "ship_order" });
    expect(result.status).toBe("compensated");
    expect(result.entered).toEqual(["reserve_stock", "charge_payment", "ship_order"]);
  });
});

describe("fan-out", () => {
  it("gathers in parallel, then prices every item", async () => {
    const items = [
      { sku: "a", quantity: 1 },
      { sku: "b", quantity: 2 },
      { sku: "c", quantity: 4 },
    ];
    const result = await run("fan-out.json", { items });
    expect(result.status).toBe("succeeded");
    expect(result.snapshot.output).toEqual({ warehouse: "north", currency: "EUR", lines: 3, total: 87.5 });
  });
});

describe("retry-loop", () => {
  it("polls until the job is done", async () => {
    const result = await run("retry-loop.json", { pollsNeeded: 2 });
    expect(result.status).toBe("succeeded");
    expect(result.snapshot.output).toEqual({ polls: 2 });
    expect(result.entered).toEqual([
      "poll_job",
      "check_done",
      "wait_before_polling",
      "poll_job",
      "check_done",
      "job_done",
    ]);
  });
});

describe("approval", () => {
  async function waitingRun() {
    const id = await engine.start(example("approval.json"), { change: "deploy v2" });
    expect((await engine.waitFor(id, { until: ["waiting"] })).status).toBe("waiting");
    return id;
  }

  it("applies the change once approved", async () => {
    const id = await waitingRun();
    await engine.signal(id, "approval", { decision: "approve", by: "ana" });
    const record = await engine.waitFor(id);
    expect(record.status).toBe("succeeded");
    expect((record.snapshot as { output?: JsonValue }).output).toEqual({
      change: "deploy v2",
      approvedBy: "ana",
    });
  });

  it("fails with Rejected when rejected", async () => {
    const id = await waitingRun();
    await engine.signal(id, "approval", { decision: "reject" });
    const record = await engine.waitFor(id);
    expect(record.status).not.toBe("succeeded");
    expect(JSON.stringify(record.snapshot)).toContain("Rejected");
  });

  it("expires when nobody answers in time", async () => {
    await engine.close();
    const clock = new FakeClock();
    engine = createEngine(clock);
    const id = await waitingRun();
    expect(clock.fireNext()).toBe(true);
    const record = await engine.waitFor(id);
    expect(JSON.stringify(record.snapshot)).toContain("ApprovalTimedOut");
  });
});
