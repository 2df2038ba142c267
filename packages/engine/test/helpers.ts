import type { Definition, JsonValue, RunSnapshot } from "@sagaflow/shared";
import { isTerminalStatus } from "@sagaflow/shared";
import { afterAll, beforeAll } from "vitest";
import { z } from "zod";
import { type ActionDefinition, defineAction } from "../src/actions/types";
import { FakeClock } from "../src/runtime/clock";
import { Engine, type EngineOptions } from "../src/runtime/engine";
import { MemoryRunStore } from "../src/store/memory-store";
import { stopTestPostgres, testPostgres } from "../src/store/postgres/test-postgres";
import { openTestPostgresStore } from "../src/store/postgres/test-store";
import { openSqliteStore } from "../src/store/sqlite";
import type { RunRecord, RunStore } from "../src/store/types";

/** One invocation of a test action, as the action saw it. */
export interface Call {
  action: string;
  key: string;
  attempt: number;
  params: Record<string, unknown>;
}

const anyParams = z.record(z.string(), z.unknown());

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** Tiny actions whose behaviour depends only on their params and attempt, so reruns behave the same. */
export function testActions(calls: Call[]): ActionDefinition[] {
  const track =
    (action: string) => (params: Record<string, unknown>, ctx: { idempotencyKey: string; attempt: number }) =>
      calls.push({ action, key: ctx.idempotencyKey, attempt: ctx.attempt, params });
  return [
    defineAction({
      name: "echo",
      description: "returns params.value (or the params)",
      params: anyParams,
      effect: "none",
      handler: async (params, ctx) => {
        track("echo")(params, ctx);
        return "value" in params ? params.value : params;
      },
    }),
    defineAction({
      name: "fail",
      description: "throws params.error",
      params: anyParams,
      effect: "none",
      handler: async (params, ctx) => {
        track("fail")(params, ctx);
        throw named(String(params.error ?? "Boom"), String(params.message ?? "it failed"));
      },
    }),
    defineAction({
      name: "flaky",
      description: "fails the first params.failTimes attempts",
      params: anyParams,
      effect: "none",
      handler: async (params, ctx) => {
        track("flaky")(params, ctx);
        if (ctx.attempt <= Number(params.failTimes ?? 1)) {
          throw named(String(params.error ?? "Flaky"), `attempt ${ctx.attempt} failed`);
        }
        return params.output ?? { ok: true, attempt: ctx.attempt };
      },
    }),
    defineAction({
      name: "hang",
      description: "never finishes; rejects when aborted",
      params: anyParams,
      effect: "none",
      handler: (params, ctx) => {
        track("hang")(params, ctx);
        return new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        });
      },
    }),
    defineAction({
      name: "visit",
      description: "returns the visit number from the idempotency key",
      params: anyParams,
      effect: "none",
      handler: async (params, ctx) => {
        track("visit")(params, ctx);
        return { n: Number(ctx.idempotencyKey.split(":").pop()) };
      },
    }),
  ];
}

export interface Harness {
  engine: Engine;
  clock: FakeClock;
  store: RunStore;
  calls: Call[];
  alerts: unknown[];
  /** Drives the run with the fake clock until it is terminal (or waits on something no timer brings). */
  settle(runId: string): Promise<RunRecord<RunSnapshot>>;
  /** A second engine on the same store and clock, as after a restart. */
  restart(store?: RunStore): Harness;
}

export type StoreKind = "memory" | "sqlite" | "postgres";
/** Every store the engine runs on: Postgres is a real server (embedded, or DATABASE_URL), one per test file. */
export const STORE_KINDS: StoreKind[] = ["memory", "sqlite", "postgres"];

/** A fresh, empty store; on Postgres a schema of its own on the file's server. */
export function openStore(kind: StoreKind): RunStore {
  if (kind === "postgres") return openTestPostgresStore();
  return kind === "memory" ? new MemoryRunStore() : openSqliteStore(":memory:");
}

// Hooks of the importing file's root suite. A file with a "… (postgres store)" suite starts the server up
// front (seconds, too long for a test's own timeout); other files never start one. Stopped at the end.
// biome-ignore lint/correctness/noEmptyPattern: vitest passes the suite second, after a destructured context.
beforeAll(async ({}, file) => {
  if (mentionsPostgres(file)) await testPostgres();
}, 120_000);
afterAll(stopTestPostgres, 30_000);

function mentionsPostgres(task: { name: string; tasks?: readonly { name: string }[] }): boolean {
  return /postgres/i.test(task.name) || (task.tasks ?? []).some(mentionsPostgres);
}

export function createHarness(
  store: RunStore,
  options: Partial<EngineOptions> & { clock?: FakeClock; calls?: Call[] } = {},
): Harness {
  const clock = options.clock ?? new FakeClock();
  const calls = options.calls ?? [];
  const alerts: unknown[] = [];
  const engine = new Engine({
    store,
    actions: testActions(calls),
    clock,
    random: () => 0.5,
    onCompensationFailed: (alert) => {
      alerts.push(alert);
    },
    ...options,
  });
  const harness: Harness = {
    engine,
    clock,
    store,
    calls,
    alerts,
    settle: (runId) => settle(engine, clock, runId),
    restart: (next = store) => createHarness(next, { ...options, clock, calls }),
  };
  return harness;
}

export async function settle(
  engine: Engine,
  clock: FakeClock,
  runId: string,
): Promise<RunRecord<RunSnapshot>> {
  for (let i = 0; i < 10_000; i += 1) {
    await engine.idle();
    const run = await engine.getRun(runId);
    if (!run) throw new Error(`no run ${runId}`);
    if (isTerminalStatus(run.status)) return run;
    if (!clock.fireNext()) return run;
  }
  throw new Error("the run did not settle");
}

export async function runToEnd(h: Harness, definition: Definition, input: JsonValue = {}, runId = "run-1") {
  await h.engine.start(definition, input, { runId });
  return h.settle(runId);
}

/** Event types of a run's history, in order. */
export async function eventTypes(h: Harness, runId: string): Promise<string[]> {
  return (await h.store.getHistory(runId)).map((stored) => stored.event.type);
}
