import { describe, expect, it } from "vitest";
import { isStateNode } from "../types";
import { definitionToGraph } from "../utils/definition-to-graph";
import { everyState } from "../utils/fixtures/every-state";
import { graphToDefinition } from "../utils/graph-to-definition";
import { createEditorStore } from "./editor-store";

const fresh = () => {
  const store = createEditorStore();
  store.getState().load(definitionToGraph({ name: "t", startAt: "", states: {} }));
  store.temporal.getState().clear();
  return store;
};
const definitionOf = (store: ReturnType<typeof createEditorStore>) => {
  const { nodes, meta } = store.getState();
  return graphToDefinition(nodes, meta);
};

describe("editor store", () => {
  it("undoes an auto-layout with the direction it changed, in one step", () => {
    const store = fresh();
    const a = store.getState().addState("task", { x: 0, y: 0 });
    const laid = store.getState().nodes.map((n) => ({ ...n, position: { x: 0, y: 400 } }));
    store.getState().applyLayout(laid, "TB");
    expect(store.getState().direction).toBe("TB");
    store.undo();
    expect(store.getState().direction).toBe("LR");
    expect(store.getState().nodes.find((n) => n.id === a)?.position).toEqual({ x: 0, y: 0 });
    store.redo();
    expect(store.getState().direction).toBe("TB");
  });

  it("neither undoes nor redoes while read-only (an old version, Simulate mode)", () => {
    const store = fresh();
    const a = store.getState().addState("task", { x: 0, y: 0 });
    store.setState({ readOnly: true });
    store.undo();
    expect(store.getState().nodes.map((n) => n.id)).toContain(a);
    store.setState({ readOnly: false });
    store.undo();
    expect(store.getState().nodes.map((n) => n.id)).not.toContain(a);
    store.setState({ readOnly: true });
    store.redo();
    expect(store.getState().nodes.map((n) => n.id)).not.toContain(a);
  });

  it("adds states, connects them by handle and undoes/redoes each step", () => {
    const store = fresh();
    const a = store.getState().addState("task", { x: 0, y: 0 });
    const b = store.getState().addState("succeed", { x: 300, y: 0 });
    expect(store.getState().meta.startAt).toBe(a);
    store.getState().onConnect({ source: a, target: b, sourceHandle: "next", targetHandle: "in" });
    expect(definitionOf(store).states[a]).toMatchObject({ next: b });
    expect(store.getState().edges.map((e) => e.id)).toEqual([`${a}:next`]);

    store.undo();
    expect(definitionOf(store).states[a]).not.toHaveProperty("next");
    expect(store.getState().edges).toEqual([]);
    store.redo();
    expect(definitionOf(store).states[a]).toMatchObject({ next: b });
  });

  it("refuses a compensation link to a plain state with a hint, and changes nothing", () => {
    const store = fresh();
    const a = store.getState().addState("task", { x: 0, y: 0 });
    const b = store.getState().addState("task", { x: 300, y: 0 });
    const before = store.getState().revision;
    store.getState().onConnect({ source: a, target: b, sourceHandle: "compensation", targetHandle: "in" });
    expect(store.getState().hint?.text).toMatch(/compensation state/);
    expect(store.getState().revision).toBe(before);
  });

  it("records one undo step per drag, however many moves it has", () => {
    const store = fresh();
    const a = store.getState().addState("task", { x: 0, y: 0 });
    const steps = store.temporal.getState().pastStates.length;
    store.getState().beginGesture();
    for (let i = 1; i <= 5; i++)
      store
        .getState()
        .onNodesChange([{ type: "position", id: a, position: { x: i * 10, y: 0 }, dragging: true }]);
    store.getState().endGesture();
    expect(store.temporal.getState().pastStates.length).toBe(steps + 1);
    store.undo();
    expect(store.getState().nodes.find((n) => n.id === a)?.position).toEqual({ x: 0, y: 0 });
  });

  it("does not record selection changes", () => {
    const store = fresh();
    const a = store.getState().addState("task", { x: 0, y: 0 });
    const steps = store.temporal.getState().pastStates.length;
    store.getState().onNodesChange([{ type: "select", id: a, selected: false }]);
    store.getState().select(a);
    expect(store.temporal.getState().pastStates.length).toBe(steps);
  });

  it("deletes a state with its references, renames one everywhere, copies and pastes", () => {
    const store = createEditorStore();
    store.getState().load(definitionToGraph(everyState));
    store.getState().renameState("check", "decide");
    expect(definitionOf(store).states.migrate).toMatchObject({ next: "decide" });
    store.getState().select("failed");
    store.getState().deleteSelection();
    const def = definitionOf(store);
    expect(def.states.failed).toBeUndefined();
    expect(def.states.migrate).not.toHaveProperty("catch");
    expect(def.states.approve).not.toHaveProperty("onTimeout");

    store.getState().select("fan");
    expect(store.getState().copySelection()).toBe(5);
    store.getState().paste();
    const ids = store
      .getState()
      .nodes.filter(isStateNode)
      .map((n) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining(["fan_copy_1", "each_copy_1", "work_copy_1", "nap_copy_1", "ok_copy_1"]),
    );
    const copy = definitionOf(store).states.fan_copy_1;
    expect(copy?.type === "parallel" && copy.branches.right?.startAt).toBe("nap_copy_1");
  });
});
