import { describe, expect, it } from "vitest";
import { bigDefinition } from "../../../e2e/support/big-definition";
import { bandedLayout } from "./banded-layout";
import { definitionToGraph } from "./definition-to-graph";
import { everyState } from "./fixtures/every-state";
import { nodeSize } from "./node-size";

const overlapping = (nodes: ReturnType<typeof bandedLayout>) => {
  const boxes = nodes
    .filter((n) => !n.parentId)
    .map((n) => ({ ...n.position, ...nodeSize(n) }))
    .sort((a, b) => a.x - b.x);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j]!.x < boxes[i]!.x + boxes[i]!.width; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.y < b.y + b.height && b.y < a.y + a.height) return true;
    }
  }
  return false;
};

describe("the banded layout for very big graphs", () => {
  it("lays out 10,000 states without overflowing the stack, in bands, none on top of another", () => {
    const { layout: _none, ...definition } = bigDefinition(10_000);
    const graph = definitionToGraph(definition);
    const started = performance.now();
    const laid = bandedLayout(graph.nodes, graph.edges, "LR");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(laid).toHaveLength(graph.nodes.length);
    const xs = laid.map((n) => n.position.x);
    expect(Math.max(...xs.slice(0, 5000))).toBeLessThan(40 * 400); // wrapped into bands
    expect(overlapping(laid)).toBe(false);
  });

  it("flows left to right from the start, with a compensation under its task", () => {
    const graph = definitionToGraph({ ...everyState, layout: undefined });
    const laid = bandedLayout(graph.nodes, graph.edges, "LR");
    expect(overlapping(laid)).toBe(false);
    const at = new Map(laid.map((n) => [n.id, n.position]));
    for (const edge of graph.edges.filter((e) => e.data?.kind === "compensation")) {
      expect(at.get(edge.target)?.x).toBe(at.get(edge.source)?.x);
      expect(at.get(edge.target)?.y).toBeGreaterThan(at.get(edge.source)?.y ?? 0);
    }
  });
});
