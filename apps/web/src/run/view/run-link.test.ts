import { describe, expect, it } from "vitest";
import { parseRunLink, runLinkHash } from "./run-link";

describe("a run link", () => {
  it("round-trips the selected state, the event and the tabs", () => {
    const link = { state: "charge card", seq: 12, tab: "events" as const, side: "format" as const };
    const hash = runLinkHash("01JDABC", link);
    expect(hash).toBe("#/runs/01JDABC?state=charge+card&seq=12&tab=events&side=format");
    expect(parseRunLink(hash)).toEqual(link);
  });

  it("leaves defaults and nonsense out", () => {
    expect(runLinkHash("01JDABC", { tab: "gantt", side: "step" })).toBe("#/runs/01JDABC");
    expect(parseRunLink("#/runs/01JDABC?seq=-3&tab=chart&side=x")).toEqual({});
  });
});
