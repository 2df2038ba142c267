import type { Diagnostic } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { markersOf } from "./markers";

const d = (severity: Diagnostic["severity"], stateId: string, path: string): Diagnostic => ({
  severity,
  stateId,
  path,
  message: `${severity} at ${path}`,
  code: "x",
});

describe("markersOf", () => {
  it("marks states and the edges their paths point at; the first (worst) diagnostic names the marker", () => {
    const { nodes, edges } = markersOf([
      d("error", "a", "$.states.a.choices[1].when"),
      d("error", "b", "$.states.p.branches.x.states.b.next"),
      d("warning", "a", "$.states.a"),
      d("error", "c", "$.states.c.catch[0].next"),
      d("error", "c", "$.states.c.compensateWith"),
    ]);
    expect(nodes.a).toEqual({ severity: "error", message: "error at $.states.a.choices[1].when", count: 2 });
    expect(Object.keys(edges).sort()).toEqual(["a:choice:1", "b:next", "c:catch:0", "c:compensation"]);
  });
});
