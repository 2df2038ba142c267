import { describe, expect, it } from "vitest";
import { summaryLine, torture } from "./torture";

/**
 * The torture on a small budget, so every `npm test` kills a real server mid-run a few times. The kill
 * moments are real time, so each run of the suite crashes the server somewhere else; the big run is
 * `pnpm torture --runs 500 --crashes 50` (docs/reliability.md). TORTURE_SEED picks another seed.
 */
describe("torture: SIGKILL the real server at random moments", () => {
  it("keeps every invariant over 40 runs and 4 crashes", { timeout: 180_000 }, async () => {
    const seed = Number(process.env.TORTURE_SEED ?? 40);
    const report = await torture({ runs: 40, crashes: 4, seed });
    const summary = summaryLine(report);
    expect(
      report.violations,
      `${summary}\nreplay: pnpm torture --runs 40 --crashes 4 --replay ${seed}`,
    ).toEqual([]);
    expect(report.runs).toBe(40);
    expect(report.crashes).toBe(4);
    expect(report.events).toBeGreaterThan(40 * 5);
  });
});
