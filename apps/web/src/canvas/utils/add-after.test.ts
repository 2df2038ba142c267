import { describe, expect, it } from "vitest";
import { addAfter } from "./add-after";
import { definitionToGraph } from "./definition-to-graph";
import { graphToDefinition } from "./graph-to-definition";

const model = () => {
  const { nodes, meta } = definitionToGraph({
    name: "chain",
    startAt: "a",
    states: {
      a: { type: "task", action: "log", next: "z" },
      z: { type: "succeed" },
      pick: { type: "choice", choices: [], otherwise: "z" },
    },
    layout: { a: { x: 0, y: 0 }, z: { x: 312, y: 0 }, pick: { x: 0, y: 300 } },
  });
  return { nodes, meta };
};
const position = (m: ReturnType<typeof model>, id: string) => m.nodes.find((n) => n.id === id)?.position;

describe("add after the selected state", () => {
  it("links the new state from the anchor's next, in between, clear of the state already there", () => {
    const { model: next, id } = addAfter(model(), "task", "a", "LR");
    const definition = graphToDefinition(next.nodes, next.meta);
    expect(definition.states.a).toMatchObject({ next: id });
    expect(definition.states[id]).toMatchObject({ type: "task", next: "z" });
    const at = position(next, id);
    expect(at?.x).toBeGreaterThan(0);
    expect(at?.y).not.toBe(0); // z sits right of a: the new state steps below it
    expect(next.nodes.find((n) => n.id === id)?.selected).toBe(true);
  });

  it("hangs a compensation under its task and links it as the task's compensation", () => {
    const { model: next, id } = addAfter(model(), "compensation", "a", "LR");
    const definition = graphToDefinition(next.nodes, next.meta);
    expect(definition.states.a).toMatchObject({ compensateWith: id, next: "z" });
    expect(position(next, id)).toMatchObject({ x: 0 });
    expect(position(next, id)?.y).toBeGreaterThan(0);
  });

  it("adds a choice branch from a choice, and goes down when the flow reads top-down", () => {
    const { model: next, id } = addAfter(model(), "succeed", "pick", "TB");
    const definition = graphToDefinition(next.nodes, next.meta);
    expect(definition.states.pick).toMatchObject({ choices: [{ next: id }] });
    expect(position(next, id)?.y).toBeGreaterThan(300);
  });
});
