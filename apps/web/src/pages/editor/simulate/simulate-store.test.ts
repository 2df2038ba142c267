import { readFileSync } from "node:fs";
import { join } from "node:path";
import { builtinCatalog } from "@sagaflow/engine";
import type { Definition } from "@sagaflow/shared";
import { describe, expect, it, vi } from "vitest";
import { createEditorStore } from "../../../canvas/store/editor-store";
import { isStateNode } from "../../../canvas/types";
import { definitionToGraph } from "../../../canvas/utils/definition-to-graph";
import { createSimulateStore } from "./simulate-store";

const orderSaga = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../../../../../examples/order-saga.json"), "utf8"),
) as Definition;
const input = { orderId: "o-1", sku: "sku-1", quantity: 1, amount: 10 };

function stores() {
  const editor = createEditorStore();
  editor.getState().load(definitionToGraph(orderSaga));
  return { editor, sim: createSimulateStore(editor) };
}

describe("the Simulate store", () => {
  it("simulates the definition as drawn, unsaved edits included, and draws the end on the overlay", async () => {
    const { editor, sim } = stores();
    // An edit nobody saved: ship_order now catches every error and ends the run well.
    const ship = editor.getState().nodes.find((n) => n.id === "ship_order");
    const state = ship && isStateNode(ship) ? ship.data.state : undefined;
    if (state?.type !== "task") throw new Error("no ship_order task");
    editor
      .getState()
      .updateState("ship_order", { ...state, catch: [{ errors: ["*"], next: "order_completed" }] });
    sim.setOutcome("ship_order", { fail: "ShippingUnavailable" });
    await sim.simulate({ catalog: builtinCatalog(), input, animate: false });
    expect(sim.getState().problems).toEqual([]);
    expect(sim.getState().model?.status).toBe("succeeded");
    expect(sim.getState().playing).toBe(false);
    expect(sim.getState().ran).toEqual({ input, outcomes: { ship_order: { fail: "ShippingUnavailable" } } });
    expect(sim.overlay.getState().nodes.order_completed?.phase).toBe("succeeded");

    sim.clear();
    expect(sim.overlay.getState().nodes).toEqual({});
    expect(sim.getState().result).toBeNull();
  });

  it("says why it did not run: bad input, an input the schema refuses", async () => {
    const { sim } = stores();
    await sim.simulate({ catalog: builtinCatalog(), input: undefined, animate: false });
    expect(sim.getState().problems).toEqual(["The input is not valid JSON."]);
    await sim.simulate({ catalog: builtinCatalog(), input: { orderId: "o-1" }, animate: false });
    expect(sim.getState().problems[0]).toBe("The input does not match the input schema:");
    expect(sim.getState().result).toBeNull();
  });

  it("plays only the newest of two simulations started one after the other", async () => {
    vi.useFakeTimers();
    try {
      const { sim } = stores();
      sim.setOutcome("ship_order", { fail: "First" });
      const first = sim.simulate({ catalog: builtinCatalog(), input, animate: true });
      sim.setOutcome("ship_order", undefined);
      const second = sim.simulate({ catalog: builtinCatalog(), input, animate: true });
      await Promise.all([first, second]);
      await vi.runAllTimersAsync();
      // The first one, longer (it compensates), would have drawn its end last over the second's.
      expect(sim.overlay.getState().nodes.ship_order?.phase).toBe("succeeded");
      expect(sim.overlay.getState().nodes.refund_payment).toBeUndefined();
      expect(sim.getState().ran?.outcomes).toEqual({});
    } finally {
      vi.useRealTimers();
    }
  });
});
