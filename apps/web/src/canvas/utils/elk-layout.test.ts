import { describe, expect, it } from "vitest";
import type { FlowNode } from "../types";
import { definitionToGraph } from "./definition-to-graph";
import { layoutGraph } from "./elk-layout";
import { everyState } from "./fixtures/every-state";
import { nodeSize } from "./node-size";

const box = (nodes: FlowNode[], id: string) => {
  const node = nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return { ...node.position, ...nodeSize(node) };
};
const overlaps = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("layoutGraph", () => {
  const { nodes, edges } = definitionToGraph(everyState);

  it("lays out left to right: each transition goes rightwards, no two siblings overlap", async () => {
    const laid = await layoutGraph(nodes, edges, "LR");
    expect(box(laid, "migrate").x).toBeGreaterThan(box(laid, "backup").x);
    expect(box(laid, "check").x).toBeGreaterThan(box(laid, "migrate").x);
    expect(box(laid, "done").x).toBeGreaterThan(box(laid, "fan").x);
    const roots = laid.filter((n) => !n.parentId).map((n) => n.id);
    for (const a of roots)
      for (const b of roots) if (a < b) expect(overlaps(box(laid, a), box(laid, b)), `${a}/${b}`).toBe(false);
  });

  it("places a compensation right below its task (LR) or right of it (TB)", async () => {
    const lr = await layoutGraph(nodes, edges, "LR");
    expect(box(lr, "restore").y).toBeGreaterThan(box(lr, "migrate").y + box(lr, "migrate").height);
    expect(Math.abs(box(lr, "restore").x - box(lr, "migrate").x)).toBeLessThan(5);
    const tb = await layoutGraph(nodes, edges, "TB");
    expect(box(tb, "restore").x).toBeGreaterThan(box(tb, "migrate").x + box(tb, "migrate").width);
    expect(box(tb, "check").y).toBeGreaterThan(box(tb, "migrate").y);
  });

  it("sizes containers around their children", async () => {
    const laid = await layoutGraph(nodes, edges, "LR");
    const fan = box(laid, "fan");
    const left = box(laid, "fan.left");
    const right = box(laid, "fan.right");
    expect(left.x + left.width).toBeLessThanOrEqual(fan.width);
    expect(right.y).toBeGreaterThanOrEqual(left.y + left.height);
    expect(right.y + right.height).toBeLessThanOrEqual(fan.height);
    const each = box(laid, "each");
    const work = box(laid, "work");
    expect(work.x + work.width).toBeLessThanOrEqual(each.width);
    expect(each.x + each.width).toBeLessThanOrEqual(left.width);
    // Inside a branch, nap comes before ok.
    expect(box(laid, "ok").x).toBeGreaterThan(box(laid, "nap").x);
  });
});
