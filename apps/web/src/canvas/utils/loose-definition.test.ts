import { describe, expect, it } from "vitest";
import { everyState } from "./fixtures/every-state";
import { looseDefinition } from "./loose-definition";

describe("looseDefinition", () => {
  it("accepts real definitions and half-finished ones the canvas can still draw", () => {
    expect(looseDefinition(everyState)).toEqual({ ok: true, definition: everyState });
    const draft = {
      name: "draft",
      startAt: "",
      states: {
        c: { type: "choice", choices: [] },
        p: { type: "parallel", branches: { a: { startAt: "", states: {} } } },
      },
    };
    expect(looseDefinition(draft).ok).toBe(true);
  });

  it("refuses shapes it cannot draw, saying where", () => {
    expect(looseDefinition([])).toEqual({ ok: false, error: "the definition must be a JSON object" });
    expect(looseDefinition({ name: "x", states: { a: { type: "teleport" } } })).toEqual({
      ok: false,
      error: expect.stringContaining("states.a.type must be one of"),
    });
    expect(
      looseDefinition({
        name: "x",
        states: { p: { type: "map", iterator: { startAt: "a", states: { b: 3 } } } },
      }),
    ).toEqual({
      ok: false,
      error: "states.p.iterator.states.b must be an object",
    });
  });
});
