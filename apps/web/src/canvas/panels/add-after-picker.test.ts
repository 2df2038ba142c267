import { describe, expect, it } from "vitest";
import { definitionToGraph } from "../utils/definition-to-graph";
import { everyState } from "../utils/fixtures/every-state";
import { addAfterAnchor } from "./add-after-picker";

const nodes = definitionToGraph(everyState).nodes;
const selecting = (type: string) => {
  const chosen = nodes.find((n) => n.type === type)?.id;
  return nodes.map((n) => ({ ...n, selected: n.id === chosen }));
};

describe("which state a keyboard add hangs from", () => {
  it("is the one selected state, from its main exit", () => {
    expect(addAfterAnchor(selecting("task"))).toMatchObject({ exit: "next" });
    expect(addAfterAnchor(selecting("choice"))).toMatchObject({ exit: "choice" });
    expect(addAfterAnchor(selecting("map"))).toMatchObject({ exit: "next" });
  });

  it("explains when there is none: nothing or several selected, or a state with no way out", () => {
    expect(addAfterAnchor(nodes)).toEqual({ hint: expect.stringContaining("Select one state") });
    expect(addAfterAnchor(nodes.map((n) => ({ ...n, selected: true })))).toHaveProperty("hint");
    expect(addAfterAnchor(selecting("succeed"))).toEqual({ hint: expect.stringContaining("no way out") });
    expect(addAfterAnchor(selecting("compensation"))).toHaveProperty("hint");
  });
});
