import { describe, expect, it } from "vitest";
import { coversANode } from "./covers-a-node";

// The minimap's corner of an 800 × 600 pane.
const corner = { x: 600, y: 460, width: 180, height: 120 };
const node = (x: number, y: number) => ({ x, y, width: 232, height: 89 });

describe("whether the minimap would cover a state", () => {
  it("is false while every state is clear of its corner", () => {
    expect(coversANode(corner, [node(0, 0), node(300, 200)], [0, 0, 1])).toBe(false);
  });

  it("is true once panning or zooming brings a state under it", () => {
    expect(coversANode(corner, [node(0, 0), node(300, 200)], [300, 200, 1])).toBe(true);
    // At half zoom the state at (1300, 1000) is drawn at (650, 500): under the corner.
    expect(coversANode(corner, [node(1300, 1000)], [0, 0, 0.5])).toBe(true);
    expect(coversANode(corner, [node(1300, 1000)], [0, 0, 1])).toBe(false);
  });

  it("counts a state that only touches the corner's edge as clear", () => {
    expect(coversANode(corner, [node(600 - 232, 460)], [0, 0, 1])).toBe(false);
  });
});
