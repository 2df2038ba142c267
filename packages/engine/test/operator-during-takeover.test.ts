import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { LeaseHeldError } from "../src/errors";
import { MemoryRunStore } from "../src/store/memory-store";
import type { RunStore } from "../src/store/types";
import { createHarness } from "./helpers";

/**
 * Two engines on one store, as two processes: B's takeover pass (recover) and an operator call on B load
 * the same run of A's at the same moment, and share that load. Whichever starts first, the call is refused
 * as LEASE_HELD (never "no such run", which the cluster's forwarder would pass on), and the pass skips the
 * run instead of failing.
 */

const waits: Definition = {
  name: "waits",
  startAt: "approve",
  states: { approve: { type: "signal", signal: "go", next: "done" }, done: { type: "succeed" } },
};

/** The store as B sees it: each claim takes 30 ms, so a second load of the run finds the first under way. */
function slowClaims(store: MemoryRunStore): RunStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === "claimRun") {
        return async (...args: Parameters<RunStore["claimRun"]>) => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          return target.claimRun(...args);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("an operator call during a takeover pass", () => {
  for (const first of ["recover", "signal"] as const) {
    it(`is refused as LEASE_HELD when ${first} loads the run first`, async () => {
      const store = new MemoryRunStore();
      const a = createHarness(store, { owner: "a" });
      const b = createHarness(slowClaims(store), { owner: "b", clock: a.clock });
      await a.engine.start(waits, {}, { runId: "held" });
      await a.engine.idle();
      const signal = () => b.engine.signal("held", "go", null);
      const recover = () => b.engine.recover();
      const earlier = first === "recover" ? recover() : signal();
      await tick(); // the first one's load waits on its claim
      const later = first === "recover" ? signal() : recover();
      const [one, two] = await Promise.allSettled([earlier, later]);
      const call = first === "recover" ? two : one;
      const pass = first === "recover" ? one : two;
      expect(call.status === "rejected" && call.reason).toBeInstanceOf(LeaseHeldError);
      expect(pass).toMatchObject({ status: "fulfilled", value: { continued: [], suspended: [] } });
      await a.engine.close();
      await b.engine.close();
    });
  }
});
