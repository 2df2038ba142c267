import {
  actionCatalog,
  builtinActions,
  Engine,
  InvalidDefinitionError,
  openSqliteStore,
  type SqliteRunStore,
} from "@sagaflow/engine";
import type { Definition } from "@sagaflow/shared";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlertCenter } from "./alerts/alert-center";
import { LiveFeed } from "./live/live-feed";
import { appRouter } from "./router/root";
import { createCallerFactory } from "./trpc";

/** The error model end to end: the engine throws coded errors, the tRPC layer answers with their status. */

const createCaller = createCallerFactory(appRouter);

let store: SqliteRunStore;
let engine: Engine;
let caller: ReturnType<typeof createCaller>;

beforeEach(() => {
  store = openSqliteStore(":memory:");
  engine = new Engine({ store, actions: builtinActions });
  const feed = new LiveFeed();
  const alerts = new AlertCenter({ logError() {}, publish() {} });
  caller = createCaller({ engine, store, catalog: actionCatalog(builtinActions), feed, alerts, by: "test" });
});
afterEach(async () => {
  await engine.close();
  await store.close();
});

async function statusOf(call: Promise<unknown>): Promise<{ status: number; error: TRPCError }> {
  const error = await call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (failure: unknown) => failure,
  );
  if (!(error instanceof TRPCError)) throw error;
  return { status: getHTTPStatusCodeFromError(error), error };
}

const greet: Definition = {
  name: "greet",
  startAt: "hello",
  states: { hello: { type: "task", action: "custom.greet", params: {}, end: true } },
};

describe("tRPC error mapping by code", () => {
  it("answers 404 for an unknown run, on reads and on operator calls alike", async () => {
    for (const call of [
      caller.runs.get({ runId: "nope" }),
      caller.runs.history({ runId: "nope" }),
      caller.runs.resume({ runId: "nope" }),
      caller.runs.cancel({ runId: "nope", compensate: true }),
      caller.runs.signal({ runId: "nope", name: "go" }),
      caller.runs.resolveStep({ runId: "nope", output: null }),
    ]) {
      const { status, error } = await statusOf(call);
      expect(status).toBe(404);
      expect(error.message).toBe("No run nope");
    }
  });

  it("answers 400 with the diagnostics when a stored definition's action is not loaded", async () => {
    // Saved by a server that had the custom module; this one does not.
    await store.saveDefinition(greet, new Date().toISOString());
    const { status, error } = await statusOf(caller.runs.start({ name: "greet" }));
    expect(status).toBe(400);
    expect(error.cause).toBeInstanceOf(InvalidDefinitionError);
    const diagnostics = (error.cause as InvalidDefinitionError).diagnostics;
    expect(diagnostics.some((d) => d.stateId === "hello" && /custom\.greet/.test(d.message))).toBe(true);
    expect((await store.listRuns()).runs).toHaveLength(0);
  });

  it("answers 404 for an unknown definition", async () => {
    expect((await statusOf(caller.runs.start({ name: "missing" }))).status).toBe(404);
    expect((await statusOf(caller.definitions.get({ name: "missing" }))).status).toBe(404);
  });

  it("answers 503 once the engine is closed", async () => {
    await caller.definitions.save({
      definition: {
        name: "wait",
        startAt: "s",
        states: { s: { type: "signal", signal: "go", next: "done" }, done: { type: "succeed" } },
      },
    });
    const { runId } = await caller.runs.start({ name: "wait" });
    await engine.close();
    const { status, error } = await statusOf(caller.runs.signal({ runId, name: "go" }));
    expect(status).toBe(503);
    expect(error.message).toMatch(/closed/);
    expect((await statusOf(caller.runs.start({ name: "wait" }))).status).toBe(503);
  });
});
