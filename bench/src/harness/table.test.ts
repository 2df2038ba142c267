import { describe, expect, it } from "vitest";
import { compared, notMeasuredYet } from "../types";
import { renderNotes, renderTable } from "./table";

describe("renderTable", () => {
  it("prints each figure with its baseline, ratio and target, and placeholders as not measured", () => {
    const measured = compared({
      id: "throughput.linear.normal",
      label: "Durable steps/s",
      value: 2500,
      unit: "steps/s",
      baseline: { label: "raw", value: 10_000, unit: "steps/s" },
      target: { text: "≥ 0.5 × limit", met: false },
      size: "10,000 tasks",
      note: "1.05 commits/step",
    });
    const placeholder = notMeasuredYet(
      "server.start.rate",
      "Runs started/s over tRPC",
      "runs/s",
      "not measured yet: later",
    );
    const lines = renderTable([measured, placeholder]).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain("2,500 steps/s");
    expect(lines[2]).toContain("10,000 steps/s (raw)");
    expect(lines[2]).toContain("0.25×");
    expect(lines[2]).toContain("MISSED: ≥ 0.5 × limit");
    expect(lines[3]).toContain("not measured yet");
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(renderNotes([measured, placeholder])).toBe("- throughput.linear.normal: 1.05 commits/step");
  });
});
