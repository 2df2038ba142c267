import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createJsonataEvaluator } from "@sagaflow/engine";
import { simulate } from "@sagaflow/engine/core";
import type { Definition, JsonValue } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { definitionToGraph } from "../../canvas/utils/definition-to-graph";
import { deriveOverlay } from "./overlay";
import { createRunModel, foldIntoRunModel } from "./run-model";
import { runModelFromSnapshot } from "./summary-model";

const examples = join(import.meta.dirname, "../../../../../examples");
const example = (name: string) =>
  JSON.parse(readFileSync(join(examples, `${name}.json`), "utf8")) as Definition;

/** A simulated run of an example: its events as the server would stream them. */
async function run(definition: Definition, outcomes: Record<string, JsonValue> = {}, input: JsonValue = {}) {
  const result = await simulate({
    definition,
    input,
    outcomes: outcomes as never,
    evaluate: createJsonataEvaluator(),
    runId: "r1",
  });
  return result.history.map((h, i) => ({ runId: "r1", seq: i + 1, at: h.at, event: h.event }));
}

const phases = (overlay: ReturnType<typeof deriveOverlay>) =>
  Object.fromEntries(Object.entries(overlay.nodes).map(([id, n]) => [id, [n.phase, n.attempts ?? 0]]));

describe("a run model opened from the snapshot", () => {
  it.each([
    ["order-saga", { ship_order: { fail: "ShippingUnavailable" } }],
    ["order-saga", {}],
    ["retry-loop", {}],
    ["fan-out", {}],
  ] as const)(
    "%s draws the same node phases and attempt counts as the full fold (%j)",
    async (name, outcomes) => {
      const definition = example(name);
      const events = await run(definition, outcomes as Record<string, JsonValue>, {
        orderId: "o-1",
        pollsNeeded: 3,
      });
      const full = createRunModel("r1");
      for (const event of events) foldIntoRunModel(full, event);
      const last = events.at(-1)!;
      const opened = runModelFromSnapshot("r1", full.snapshot!, definition, { seq: last.seq, at: last.at });
      const edges = definitionToGraph(definition).edges;

      expect(phases(deriveOverlay(opened, edges))).toEqual(phases(deriveOverlay(full, edges)));
      expect(opened.status).toBe(full.status);
      expect(opened.compensations.map((c) => [c.order, c.taskStateId, c.status])).toEqual(
        full.compensations.map((c) => [c.order, c.taskStateId, c.status]),
      );
    },
  );

  it("folds the events after its snapshot like the full model does", async () => {
    const definition = example("order-saga");
    const events = await run(definition, { ship_order: { fail: "ShippingUnavailable" } }, { orderId: "o-1" });
    const cut = Math.floor(events.length / 2);
    const head = createRunModel("r1");
    for (const event of events.slice(0, cut)) foldIntoRunModel(head, event);
    const opened = runModelFromSnapshot("r1", structuredClone(head.snapshot!), definition, {
      seq: cut,
      at: events[cut - 1]!.at,
    });
    for (const event of events.slice(cut)) foldIntoRunModel(opened, event);
    const full = createRunModel("r1");
    for (const event of events) foldIntoRunModel(full, event);

    expect(opened.snapshot).toEqual(full.snapshot);
    expect(opened.status).toBe("compensated");
    const edges = definitionToGraph(definition).edges;
    expect(phases(deriveOverlay(opened, edges))).toEqual(phases(deriveOverlay(full, edges)));
  });
});
