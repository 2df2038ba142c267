import { describe, expect, it } from "vitest";
import type { FlowNode } from "../types";
import { READABLE_ZOOM, readableViewport } from "./readable-viewport";

const row = (n: number): FlowNode[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    type: "task",
    position: { x: i * 312, y: 0 },
    data: { stateId: `s${i}`, state: { type: "task", action: "log", end: true } },
  })) as FlowNode[];

describe("the viewport a definition opens at", () => {
  it("leaves a graph that fits at a readable zoom to fit-view", () => {
    expect(readableViewport(row(3), "s0", { width: 1200, height: 700 }, "LR")).toBeUndefined();
  });

  it("opens a long flow at a readable zoom with its start at the left edge, centred vertically", () => {
    const view = { width: 1000, height: 700 };
    const viewport = readableViewport(row(12), "s0", view, "LR");
    expect(viewport?.zoom).toBe(READABLE_ZOOM);
    expect(viewport?.x).toBe(48);
    expect(viewport?.y).toBeCloseTo((700 - 72 * READABLE_ZOOM) / 2);
  });

  it("puts the start at the top for a top-down flow", () => {
    const nodes = row(12).map((n, i) => ({ ...n, position: { x: 0, y: i * 150 } }));
    const viewport = readableViewport(nodes, "s3", { width: 1000, height: 700 }, "TB");
    expect(viewport?.y).toBe(48 - 3 * 150 * READABLE_ZOOM);
  });
});
