import { describe, expect, it } from "vitest";
import { percentile, perItemGrowth, perSecond } from "./stats";

describe("stats", () => {
  it("takes percentiles by nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });

  it("turns counts and milliseconds into rates", () => {
    expect(perSecond(500, 250)).toBe(2000);
  });

  it("says 1 for linear growth and more when each item gets dearer", () => {
    expect(
      perItemGrowth([
        { size: 10, ms: 5 },
        { size: 1000, ms: 500 },
        { size: 100, ms: 50 },
      ]),
    ).toBeCloseTo(1);
    expect(
      perItemGrowth([
        { size: 10, ms: 1 },
        { size: 100, ms: 100 },
      ]),
    ).toBeCloseTo(10);
  });
});
