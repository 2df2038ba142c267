import { createJsonataEvaluator, simulate } from "@sagaflow/engine";
import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { runResult } from "./run-result";

/** Each item is shipped (undone by unship); after the map, charge fails and everything is undone. */
const shipping: Definition = {
  name: "shipping",
  startAt: "each",
  states: {
    each: {
      type: "map",
      items: ["a", "b", "c"],
      maxConcurrency: 1,
      next: "charge",
      iterator: {
        startAt: "ship_item",
        states: {
          ship_item: { type: "task", action: "echo", compensateWith: "unship", end: true },
          unship: { type: "compensation", action: "echo" },
        },
      },
    },
    charge: { type: "task", action: "charge", end: true },
  },
};

describe("--json's compensated list", () => {
  it("keeps each entry's scope, as the core's simulate names it", async () => {
    const result = await simulate({
      definition: shipping,
      evaluate: createJsonataEvaluator(),
      outcomes: { charge: { fail: "Declined" } },
    });
    expect(result.snapshot.status).toBe("compensated");
    const json = runResult(result.snapshot, result.events);
    expect(json.compensated).toEqual(["each[2]/ship_item", "each[1]/ship_item", "each[0]/ship_item"]);
    expect(json.compensated).toEqual(result.compensated);
  });
});
