import { type Definition, validateDefinition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { inUiWords } from "./diagnostic-words";

const messages = (definition: unknown) =>
  validateDefinition(definition).diagnostics.map((d) => inUiWords(d).message);

const JSON_WORDS = [
  /"next"/,
  /"end"/,
  /condition \d/,
  /compensateWith/,
  /startAt/,
  /Too small/,
  /letters, digits/,
];

describe("diagnostics in the designer's words", () => {
  it("says an empty workflow has no start state, not that an id is malformed", () => {
    expect(messages({ name: "new", startAt: "", states: {} })).toEqual([
      "No start state yet: drag a state onto the canvas (the first one starts the workflow).",
    ]);
  });

  it("names the inspector's fields and numbers branches from #1", () => {
    const definition: Definition = {
      name: "words",
      startAt: "a",
      states: {
        a: { type: "task", action: "log" },
        c: { type: "choice", choices: [{ when: "yes", next: "ghost" }], otherwise: "a" },
        orphan: { type: "succeed" },
        undo: { type: "compensation", action: "log" },
      },
    };
    const found = messages(definition);
    expect(found).toContain("“a” has nowhere to go: pick its Next state, or tick “Ends the workflow”.");
    expect(found).toContain("branch #1 of “c” goes to “ghost”, which does not exist.");
    expect(found.some((m) => m.includes("branch #1") && m.includes("expression"))).toBe(true);
    for (const message of found) for (const word of JSON_WORDS) expect(message).not.toMatch(word);
  });

  it("says a new choice has no branches yet", () => {
    const found = messages({
      name: "c",
      startAt: "c",
      states: { c: { type: "choice", choices: [], otherwise: "d" }, d: { type: "succeed" } },
    });
    expect(found[0]).toContain("has no branches yet");
  });
});
