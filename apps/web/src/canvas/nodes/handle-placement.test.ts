import { Position } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import { definitionToGraph } from "../utils/definition-to-graph";
import { everyState } from "../utils/fixtures/every-state";
import { EXITS, estimatedHandles } from "./handle-placement";

const graph = definitionToGraph(everyState);
const node = (type: string) => {
  const found = graph.nodes.find((n) => n.type === type);
  if (!found) throw new Error(`no ${type} in the fixture`);
  return found;
};

describe("the handles a node will have, before it is drawn", () => {
  it("gives every state its way in and one handle per exit, with the ids the edges use", () => {
    for (const type of ["task", "choice", "wait", "signal", "succeed", "fail", "parallel", "map"] as const) {
      const handles = estimatedHandles(node(type), true);
      expect(handles.filter((h) => h.type === "target").map((h) => h.id)).toEqual(["in"]);
      expect(handles.filter((h) => h.type === "source").map((h) => h.id)).toEqual([...EXITS[type]]);
    }
    expect(estimatedHandles(node("compensation"), true).map((h) => h.id)).toEqual(["compensation"]);
    expect(estimatedHandles(node("branch"), true)).toEqual([]);
  });

  it("centres them on the sides the flow direction puts them on", () => {
    const task = node("task");
    // Drawn 232 × 89 (with its badges), 1 px border; handles 10 px (in) and 12 px (out).
    const width = 232;
    const height = 89;
    const byId = (lr: boolean) => Object.fromEntries(estimatedHandles(task, lr).map((h) => [h.id, h]));
    const lr = byId(true);
    // Where Chromium draws them on db-migration's tasks (measured): in (-4, 39.5), next (225, 38.5),
    // catch (64, 82), compensation (156, 82).
    expect(lr.in).toMatchObject({ position: Position.Left, x: -4, y: 39.5 });
    expect(lr.next).toMatchObject({ position: Position.Right, x: 225, y: 38.5 });
    expect(lr.catch).toMatchObject({ position: Position.Bottom, x: 64, y: 82 });
    expect(lr.compensation).toMatchObject({ position: Position.Bottom, x: 156, y: 82 });
    const tb = byId(false);
    expect(tb.in).toMatchObject({ position: Position.Top, x: width / 2 - 5, y: -4 });
    expect(tb.next).toMatchObject({ position: Position.Bottom, x: width / 2 - 6, y: height - 7 });
    expect(tb.catch).toMatchObject({ position: Position.Right, x: width - 7 });
  });
});
