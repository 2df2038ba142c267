import { describe, expect, it } from "vitest";
import { whoInWords, withWhoInWords } from "./who";

describe("who did it, in words", () => {
  it("names this machine, the command line and the token in words, and anyone else by name", () => {
    expect(whoInWords("local")).toBe("from this machine");
    expect(whoInWords("cli")).toBe("from the command line");
    expect(whoInWords("token")).toBe("with the API token");
    expect(whoInWords("ops-bot")).toBe("by ops-bot");
  });

  it("rewrites the phrase in an event's summary, and only a whole one", () => {
    expect(withWhoInWords("by local, compensating", "local")).toBe("from this machine, compensating");
    expect(withWhoInWords('"approve" from local → review', "local")).toBe(
      '"approve" from this machine → review',
    );
    expect(withWhoInWords("charge by cli", "cli")).toBe("charge from the command line");
    expect(withWhoInWords("by local-admin", "local")).toBe("by local-admin");
    expect(withWhoInWords("charge in 12 ms", undefined)).toBe("charge in 12 ms");
  });
});
