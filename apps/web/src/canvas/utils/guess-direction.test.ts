import { describe, expect, it } from "vitest";
import { definitionToGraph } from "./definition-to-graph";
import { layoutGraph } from "./elk-layout";
import { everyState } from "./fixtures/every-state";
import { guessDirection } from "./guess-direction";

describe("guessDirection", () => {
  it("recognises a layout done left-to-right or top-down", async () => {
    const { nodes, edges } = definitionToGraph(everyState);
    expect(guessDirection(await layoutGraph(nodes, edges, "LR"), edges)).toBe("LR");
    expect(guessDirection(await layoutGraph(nodes, edges, "TB"), edges)).toBe("TB");
  });
});
