import { validateDefinition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { bigDefinition } from "./big-definition";

describe("bigDefinition", () => {
  it("has exactly the states asked for and is valid", () => {
    const definition = bigDefinition(300);
    expect(Object.keys(definition.states)).toHaveLength(300);
    expect(validateDefinition(definition).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
