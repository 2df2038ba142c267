import { describe, expect, it } from "vitest";
import { definitionOf, findings } from "./testing/fixtures";
import { validateDefinition } from "./validate";

const structural = (input: unknown) => findings(input, "invalid-structure");

describe("structure errors", () => {
  it("name the state and the JSON path of the bad field", () => {
    const [found] = structural(definitionOf({ backup: { type: "task", action: "sqlite.backup", next: 42 } }));
    expect(found).toMatchObject({ severity: "error", stateId: "backup", path: "$.states.backup.next" });
    expect(found?.message).toContain("expected string");
  });

  it("reach into nested branches", () => {
    const states = {
      p: {
        type: "parallel",
        branches: { one: { startAt: "x", states: { x: { type: "task", end: true } } } },
        end: true,
      },
    };
    const [found] = structural(definitionOf(states));
    expect(found).toMatchObject({ stateId: "x", path: "$.states.p.branches.one.states.x.action" });
    expect(found?.message).toContain("missing");
  });

  it("explain unknown fields, unknown state types and bad ids", () => {
    const messages = [
      structural(definitionOf({ a: { type: "succeed", nxt: "b" } }))[0],
      structural(definitionOf({ a: { type: "sleep" } }))[0],
      structural(definitionOf({ a: { type: "succeed" }, "bad-id": { type: "succeed" } }))[0],
    ];
    expect(messages.map((d) => d?.path)).toEqual(["$.states.a", "$.states.a.type", '$.states["bad-id"]']);
    expect(messages[0]?.message).toBe('unknown field "nxt"');
    expect(messages[1]?.message).toContain("task, compensation, choice");
    expect(messages[2]?.message).toContain("a state id");
  });

  it("report a non-object at the root", () => {
    for (const input of [null, 42, "{}", []]) {
      const result = validateDefinition(input);
      expect(result.ok).toBe(false);
      expect(result.definition).toBeUndefined();
      expect(result.diagnostics[0]).toMatchObject({ code: "invalid-structure", path: "$" });
    }
  });

  it("merge the alternatives of a union into one message", () => {
    const [found] = structural(definitionOf({ a: { type: "wait", duration: true, end: true } }));
    expect(found?.path).toBe("$.states.a.duration");
    expect(found?.message).toMatch(/string or number/);
  });
});
