import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { LeaseHeldError } from "../src/errors";
import { verifyChain } from "../src/history/hash";
import type { PostgresRunStore } from "../src/store/postgres";
import { openTestPostgresStore } from "../src/store/postgres/test-store";
import { createHarness } from "./helpers";

/**
 * Two engines on one PostgreSQL database, as two processes with their own lease owners (the server gives
 * each its own, leaseOwnerFor). What works with the engine as it is: a live owner's runs are refused to the
 * other, and a dead owner's runs are taken over by the other's recovery once the lease expired.
 */

const waitsForApproval: Definition = {
  name: "takeover",
  startAt: "approve",
  states: {
    approve: { type: "signal", signal: "approval", next: "done" },
    done: { type: "succeed" },
  },
};

describe("two engines on one Postgres database (postgres store)", () => {
  it("B cannot touch A's run while A lives; after A dies and its lease expires, B's recovery takes it over", async () => {
    const storeA = openTestPostgresStore();
    const storeB = openTestPostgresStore((storeA as PostgresRunStore).options.schema);
    const a = createHarness(storeA, { owner: "process-a" });
    const b = createHarness(storeB, { owner: "process-b", clock: a.clock });
    await a.engine.start(waitsForApproval, {}, { runId: "shared-run" });
    await a.engine.idle();
    expect((await b.engine.getRun("shared-run"))?.status).toBe("waiting");

    // A lives: its lease holds; B refuses to drive the run rather than race A.
    await expect(b.engine.signal("shared-run", "approval", { ok: 1 })).rejects.toBeInstanceOf(LeaseHeldError);
    expect((await b.engine.recover()).continued).not.toContain("shared-run");

    // A dies (its connections close, nothing released). Before the lease ends, still A's.
    await storeA.close();
    a.clock.advance(30_000);
    await expect(b.engine.signal("shared-run", "approval", { ok: 2 })).rejects.toBeInstanceOf(LeaseHeldError);
    // After it, B's recovery claims the run and B drives it to the end.
    a.clock.advance(31_000);
    expect((await b.engine.recover()).continued).toContain("shared-run");
    await b.engine.signal("shared-run", "approval", { ok: 3 });
    const done = await b.settle("shared-run");
    expect(done.status).toBe("succeeded");
    const history = await storeB.getHistory("shared-run");
    // Only B's signal landed; the refused ones left nothing.
    expect(JSON.stringify(history)).toContain('{"ok":3}');
    expect(JSON.stringify(history)).not.toMatch(/"ok":[12]\b/);
    expect(verifyChain(history)).toMatchObject({ ok: true });
    await b.engine.close();
    await storeB.close();
  });
});
