import { describe, expect, it } from "vitest";
import { planConnection } from "./connection-rules";
import { definitionToGraph } from "./definition-to-graph";
import { everyState } from "./fixtures/every-state";

const { nodes } = definitionToGraph(everyState);

describe("planConnection", () => {
  it("writes a next edge and drops end", () => {
    const verdict = planConnection(nodes, { source: "work", target: "work", sourceHandle: "next" });
    expect(verdict).toEqual({
      ok: true,
      state: { type: "task", action: "log", params: { message: "hi" }, next: "work" },
    });
  });

  it("appends a choice rule and a catcher", () => {
    const choice = planConnection(nodes, { source: "check", target: "failed", sourceHandle: "choice" });
    expect(choice.ok && choice.state.type === "choice" && choice.state.choices.at(-1)).toEqual({
      when: "{% true %}",
      next: "failed",
      label: "branch 3",
    });
    const caught = planConnection(nodes, { source: "backup", target: "failed", sourceHandle: "catch" });
    expect(caught.ok && caught.state.type === "task" && caught.state.catch).toEqual([
      { errors: ["*"], next: "failed" },
    ]);
  });

  it("links a compensation only to a compensation state", () => {
    expect(
      planConnection(nodes, { source: "backup", target: "restore", sourceHandle: "compensation" }),
    ).toMatchObject({
      ok: true,
      state: { compensateWith: "restore" },
    });
    const refused = planConnection(nodes, { source: "backup", target: "done", sourceHandle: "compensation" });
    expect(refused).toEqual({ ok: false, hint: expect.stringContaining("must end on a compensation state") });
  });

  it("refuses a plain transition into a compensation state, across scopes, or from a missing exit", () => {
    expect(planConnection(nodes, { source: "backup", target: "restore", sourceHandle: "next" }).ok).toBe(
      false,
    );
    expect(planConnection(nodes, { source: "backup", target: "nap", sourceHandle: "next" })).toEqual({
      ok: false,
      hint: expect.stringContaining("inside their own branch"),
    });
    expect(planConnection(nodes, { source: "done", target: "backup", sourceHandle: "next" }).ok).toBe(false);
    expect(planConnection(nodes, { source: "pause", target: "backup", sourceHandle: "catch" }).ok).toBe(
      false,
    );
  });
});
