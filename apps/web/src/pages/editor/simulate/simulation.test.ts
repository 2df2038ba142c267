import { readFileSync } from "node:fs";
import { join } from "node:path";
import { builtinCatalog } from "@sagaflow/engine";
import type { Definition } from "@sagaflow/shared";
import { describe, expect, it, vi } from "vitest";
import { createRunOverlayStore } from "../../../canvas/store/run-overlay";
import { definitionToGraph } from "../../../canvas/utils/definition-to-graph";
import { frameEnds, play } from "./playback";
import {
  asRunEvents,
  checkDefinition,
  checkInput,
  outcomesFor,
  runEachFailure,
  runSimulation,
} from "./run-simulation";
import { sampleInput } from "./sample-input";
import { scenarioFile, scenarioName, scenarioOf } from "./scenario-file";

/** The example that ships: reserve stock → charge → ship, each undone in reverse on a failure. */
const orderSaga = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../../../../../examples/order-saga.json"), "utf8"),
) as Definition;
const input = { orderId: "o-1", sku: "sku-1", quantity: 1, amount: 10 };

describe("simulations in the designer", () => {
  it("runs the definition with the engine's core: ship_order failing undoes the payment, then the stock", async () => {
    const checked = checkDefinition(orderSaga, builtinCatalog());
    if (!checked.ok) throw new Error(checked.problems.join("\n"));
    const outcomes = { ship_order: { fail: "ShippingUnavailable" } };
    const run = await runSimulation({ definition: checked.value, input, outcomes });
    if (!run.ok) throw new Error(run.problems.join("\n"));
    expect(run.value.snapshot.status).toBe("compensated");
    expect(run.value.compensated).toEqual(["charge_payment", "reserve_stock"]);
    // The flaky payment provider ran for real: its first attempt failed, the retry succeeded.
    expect(run.value.calls.filter((c) => c.stateId === "charge_payment").map((c) => c.result)).toEqual([
      "failed",
      "succeeded",
    ]);

    const scenario = scenarioOf({ name: scenarioName(outcomes), input, outcomes, result: run.value });
    expect(scenario).toEqual({
      name: "ship_order fails",
      input,
      outcomes,
      expect: {
        status: "compensated",
        path: ["reserve_stock", "charge_payment", "ship_order"],
        compensated: ["charge_payment", "reserve_stock"],
        error: "ShippingUnavailable",
      },
    });
    expect(scenarioFile("order-saga", [scenario]).definition).toBe("order-saga.json");
  });

  it("reports what stops a simulation instead of running it", async () => {
    const broken = {
      ...orderSaga,
      states: { ...orderSaga.states, ship_order: { type: "task", action: "transform", next: "nowhere" } },
    } as Definition;
    const checked = checkDefinition(broken, builtinCatalog());
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.join("\n")).toMatch(/nowhere/);
    const run = await runSimulation({
      definition: orderSaga,
      input,
      outcomes: { order_completed: { fail: "X" } },
    });
    expect(run.ok).toBe(false);
    expect(checkInput(orderSaga.inputSchema, { orderId: "o-1" })).toEqual(
      expect.arrayContaining([expect.stringMatching(/sku/)]),
    );
    expect(checkInput(orderSaga.inputSchema, input)).toEqual([]);
    // An outcome left on a state that was renamed away is dropped, not refused.
    expect(outcomesFor(orderSaga, { gone: { fail: "X" }, ship_order: { timeout: true } })).toEqual({
      ship_order: { timeout: true },
    });
  });

  it("makes a valid first input from the input schema", () => {
    const sample = sampleInput(orderSaga.inputSchema);
    expect(sample).toEqual({ orderId: "example", sku: "example", quantity: 1, amount: 1 });
    expect(checkInput(orderSaga.inputSchema, sample)).toEqual([]);
    expect(sampleInput(undefined)).toEqual({});
  });

  it("fails each task in turn, as sagaflow test --each-failure does", async () => {
    const reports = await runEachFailure({ definition: orderSaga, input, catalog: builtinCatalog() });
    if (!reports.ok) throw new Error(reports.problems.join("\n"));
    expect(reports.value.map((r) => [r.stateId, r.compensated])).toEqual([
      ["reserve_stock", []],
      ["charge_payment", ["reserve_stock"]],
      ["ship_order", ["charge_payment", "reserve_stock"]],
    ]);
  });

  it("plays the history onto the canvas overlay frame by frame, ending as the run ended", async () => {
    vi.useFakeTimers();
    try {
      const run = await runSimulation({
        definition: orderSaga,
        input,
        outcomes: { ship_order: { fail: "X" } },
      });
      if (!run.ok) throw new Error(run.problems.join("\n"));
      const events = asRunEvents(run.value);
      const { edges } = await definitionToGraph(orderSaga);
      const overlay = createRunOverlayStore();
      const frames: number[] = [];
      let last: string | undefined;
      play({
        events,
        overlay,
        edges: () => edges,
        onFrame: (model, shown) => {
          frames.push(shown);
          last = model.status;
        },
      });
      expect(frames).toHaveLength(1);
      await vi.runAllTimersAsync();
      expect(frames).toHaveLength(frameEnds(events).length);
      expect(frames.at(-1)).toBe(events.length);
      expect(last).toBe("compensated");
      const nodes = overlay.getState().nodes;
      expect(nodes.refund_payment).toMatchObject({ compensationOrder: 1 });
      expect(nodes.release_stock).toMatchObject({ compensationOrder: 2 });
      expect(nodes.ship_order?.phase).toBe("failed");
      expect(nodes.cancel_shipment).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
