import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createHarness, openStore, STORE_KINDS } from "./helpers";

const waitsForApproval: Definition = {
  name: "lease",
  startAt: "approve",
  states: {
    approve: { type: "signal", signal: "approval", next: "done" },
    done: { type: "succeed" },
  },
};

describe.each(STORE_KINDS)("leases (%s store)", (kind) => {
  it("a run is leased by the engine that started it, so another worker cannot take it", async () => {
    const h = createHarness(openStore(kind));
    const runId = await h.engine.start(waitsForApproval, {}, { runId: "leased" });
    await h.engine.idle();
    const now = new Date(h.clock.now()).toISOString();
    const later = new Date(h.clock.now() + 60_000).toISOString();
    expect(await h.store.claimRun(runId, "another-worker", later, now)).toBe(false);
    expect(await h.store.claimRun(runId, "local", later, now)).toBe(true);
  });
});
