import {
  builtinActions,
  Engine,
  openPostgresStore,
  type PostgresRunStore,
  type RunStore,
} from "@sagaflow/engine";
import { createTestDatabase, stopTestPostgres } from "@sagaflow/engine/postgres-testing";
import { afterAll, describe, expect, it } from "vitest";
import { ClusterForwarder } from "./forwarder";
import { callEngine, type OperatorCall } from "./operator-call";

/*
 * The owner of a run carries out a forwarded call, then dies before its answer leaves. The caller hears
 * nothing, waits for the owner's lease to run out and takes the run over: it must find the call done in the
 * history and answer as the owner would have, not offer it a second time (a second cancel is refused as
 * "already canceled"; a kept signal would be delivered twice). Real PostgreSQL, real engines; the dying
 * owner is an engine whose store stops renewing and releasing its leases, as a killed process would.
 */

const LEASE_MS = 1_500;
const stores: PostgresRunStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await stopTestPostgres();
}, 30_000);

const approval = {
  name: "approve",
  startAt: "wait_go",
  states: {
    wait_go: { type: "signal", signal: "go", next: "wait_more" },
    wait_more: { type: "signal", signal: "more", next: "done" },
    done: { type: "succeed" },
  },
} as const;

/** A store as a dying process leaves it: once `dead`, its leases are neither renewed nor released. */
function mortal(store: PostgresRunStore): { store: RunStore; die: () => void } {
  let dead = false;
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      if (dead && (property === "releaseRun" || property === "renewLeases")) return async () => undefined;
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: wrapped, die: () => (dead = true) };
}

async function cluster() {
  const url = await createTestDatabase();
  const open = () => {
    const store = openPostgresStore(url);
    stores.push(store);
    return store;
  };
  const ownerStore = open();
  const owner = mortal(ownerStore);
  const ownerEngine = new Engine({
    store: owner.store,
    actions: builtinActions,
    owner: "A",
    leaseMs: LEASE_MS,
  });
  const callerStore = open();
  const callerEngine = new Engine({
    store: callerStore,
    actions: builtinActions,
    owner: "B",
    leaseMs: LEASE_MS,
  });
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const caller = new ClusterForwarder({
    engine: callerEngine,
    store: callerStore,
    self: "B",
    leaseMs: LEASE_MS,
    forwardTimeoutMs: 400,
    logger,
  });
  await caller.start();
  // A: carries out the calls sent to it, then dies before answering.
  const heard: OperatorCall[] = [];
  const listener = await ownerStore.listenMessages("operator_calls", (text) => {
    const message = JSON.parse(text) as { kind: string; to: string; call: OperatorCall };
    if (message.kind !== "call" || message.to !== "A") return;
    heard.push(message.call);
    void callEngine(ownerEngine, message.call).then(async () => {
      owner.die();
      await ownerEngine.close();
    });
  });
  const runId = await ownerEngine.start(approval, {});
  await ownerEngine.waitFor(runId, { until: ["waiting"] });
  return {
    runId,
    caller,
    callerEngine,
    callerStore,
    heard,
    close: async () => {
      await listener.close();
      await caller.close();
      await callerEngine.close();
    },
  };
}

/** Continues the run once the dead owner's lease ran out. */
async function takeOver(engine: Engine, runId: string) {
  for (;;) {
    try {
      return await engine.continueRun(runId);
    } catch (error) {
      if ((error as { code?: string }).code !== "LEASE_HELD") throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("a forwarded call the owner carried out before dying (postgres store)", { timeout: 30_000 }, () => {
  it("cancel: answered as done once the caller holds the run, with one RunCanceled", async () => {
    const { runId, caller, callerEngine, callerStore, heard, close } = await cluster();
    await caller.call({ op: "cancel", runId, compensate: false, by: "ops" });
    expect(heard.map((call) => call.op)).toEqual(["cancel"]);
    const history = await callerStore.getHistory(runId);
    expect(history.filter((stored) => stored.event.type === "RunCanceled")).toHaveLength(1);
    expect((await callerEngine.getRun(runId))?.status).toBe("canceled");
    await close();
  });

  it("signal: delivered once, not kept a second time for the next state", async () => {
    const { runId, caller, callerEngine, callerStore, heard, close } = await cluster();
    await caller.call({ op: "signal", runId, name: "go", payload: { n: 1 }, by: "ops" });
    expect(heard.map((call) => call.op)).toEqual(["signal"]);
    const history = await callerStore.getHistory(runId);
    expect(history.filter((stored) => stored.event.type === "SignalReceived")).toHaveLength(1);
    // The caller takes the run over: it waits at the next state, with no second "go" kept.
    const run = await takeOver(callerEngine, runId);
    expect(run.status).toBe("waiting");
    expect(run.snapshot.bufferedSignals).toEqual([]);
    await close();
  });
});
