import { describe, expect, it } from "vitest";
import { definitionToGraph } from "./definition-to-graph";
import { everyState } from "./fixtures/every-state";
import { addState, moveToScope, placeAfter, uniqueId } from "./graph-ops";
import { graphToDefinition } from "./graph-to-definition";

const model = () => {
  const { nodes, meta } = definitionToGraph(everyState);
  return { nodes, meta };
};

describe("graph edits", () => {
  it("adds a state inside a branch and makes it the branch's start when it had none", () => {
    const empty = definitionToGraph({
      name: "p",
      startAt: "par",
      states: { par: { type: "parallel", branches: { a: { startAt: "", states: {} } }, end: true } },
    });
    const { model: next, id } = addState(
      { nodes: empty.nodes, meta: empty.meta },
      "task",
      { x: 10, y: 40 },
      "par.a",
    );
    const definition = graphToDefinition(next.nodes, next.meta);
    const par = definition.states.par;
    expect(par?.type === "parallel" && par.branches.a).toMatchObject({
      startAt: id,
      states: { [id]: { type: "task" } },
    });
  });

  it("moves a state into a map: its transitions to old neighbours go, parents stay before children", () => {
    const next = moveToScope(model(), "pause", "each", { x: 20, y: 60 });
    const definition = graphToDefinition(next.nodes, next.meta);
    const each =
      definition.states.fan?.type === "parallel"
        ? definition.states.fan.branches.left?.states.each
        : undefined;
    expect(each?.type === "map" && Object.keys(each.iterator.states)).toEqual(["work", "pause"]);
    expect(definition.states.pause).toBeUndefined();
    expect(definition.states.approve).not.toHaveProperty("next"); // approve → pause crossed scopes
    next.nodes.forEach((node, index) => {
      if (node.parentId) expect(next.nodes.findIndex((n) => n.id === node.parentId)).toBeLessThan(index);
    });
  });

  it("refuses to move a container into itself", () => {
    const before = model();
    expect(moveToScope(before, "fan", "each", { x: 0, y: 0 })).toBe(before);
  });

  it("names new states uniquely and places clicked-in states after the last one", () => {
    const { nodes } = model();
    expect(uniqueId(nodes, "task")).toBe("task_1");
    const roots = nodes
      .filter((n) => !n.parentId && n.type === "task")
      .map((n, i) => ({ ...n, position: { x: i * 300, y: 5 } }));
    expect(placeAfter(roots)).toEqual({ x: 300 + 232 + 80, y: 5 });
    expect(placeAfter([{ ...roots[0]!, selected: true }, roots[1]!])).toEqual({ x: 232 + 80, y: 5 });
  });
});
