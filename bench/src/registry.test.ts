import { describe, expect, it } from "vitest";
import { runBenchmarks } from "./harness/runner";
import { registry } from "./registry";

/** The harness itself: every benchmark runs at a tiny size and reports well-formed figures. */
describe("benchmark registry", () => {
  it("has unique names", () => {
    const names = registry.map((benchmark) => benchmark.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("runs every benchmark at a tiny size and reports well-formed figures", {
    timeout: 180_000,
  }, async () => {
    const { figures, errors } = await runBenchmarks(registry, { scale: "tiny" });
    expect(errors).toEqual({});
    const ids = figures.map((figure) => figure.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const figure of figures) {
      expect(figure.label.length).toBeGreaterThan(0);
      expect(figure.unit.length).toBeGreaterThan(0);
      if (figure.value === null) {
        expect(figure.note).toMatch(/not measured yet/);
        continue;
      }
      expect(Number.isFinite(figure.value)).toBe(true);
      expect(figure.value).toBeGreaterThan(0);
      if (figure.baseline) {
        expect(figure.baseline.value).toBeGreaterThan(0);
        expect(figure.ratio).toBeCloseTo(figure.value / figure.baseline.value, 9);
      }
    }
    for (const name of [
      "throughput",
      "xstate",
      "latency",
      "recovery",
      "history",
      "memory",
      "chain",
      "server",
      "operator",
      "browser",
    ]) {
      expect(figures.some((figure) => figure.id.startsWith(`${name}.`) && figure.value !== null)).toBe(true);
    }
  });
});
