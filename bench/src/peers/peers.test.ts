import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { measurePeer } from "./measure";
import { SAGA_COMPENSATED } from "./peer";
import { peersTable } from "./peers";
import { openSagaflowPeer } from "./sagaflow-peer";
import { openXstatePeer } from "./xstate-peer";

/**
 * The peer harness on the two peers that need no server (DBOS and Restate start Postgres and a Restate
 * server: `pnpm bench --only peers` runs them). Each workload really runs and each saga compensates
 * t4..t1 in that order.
 */
const dir = mkdtempSync(join(tmpdir(), "sagaflow-peers-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the peer comparison", () => {
  it("Sagaflow and XState run the four workloads and compensate the saga in reverse", async () => {
    for (const peer of [await openSagaflowPeer({ fsync: false, dir }), await openXstatePeer()]) {
      try {
        expect(await peer.saga()).toEqual(SAGA_COMPENSATED);
        const measured = await measurePeer(peer, "tiny");
        for (const value of Object.values(measured)) expect(value).toBeGreaterThan(0);
      } finally {
        await peer.close();
      }
    }
  }, 60_000);

  it("renders one row per configuration, and says which did not run", () => {
    const table = peersTable([
      {
        label: "A",
        measured: {
          sequentialMsPerStep: 0.5,
          concurrentStepsPerSecond: 6470.2,
          sagaMs: 4.5,
          oneStepMs: 1.25,
        },
      },
      { label: "B", measured: new Error("no unshare") },
    ]);
    expect(table.split("\n")).toEqual([
      expect.stringMatching(/^\| Peer \| one run of sequential steps \(ms\/step\) \|/),
      "|---|---|---|---|---|",
      "| A | 0.500 | 6,470 | 4.50 | 1.25 |",
      "| B | did not run | did not run | did not run | did not run |",
    ]);
  });
});
