import { describe, expect, it } from "vitest";
import { exitCodeForRuns, exitCodeForStatus } from "./exit-codes";

describe("exit codes", () => {
  it("maps every final status as SPEC §5 says", () => {
    expect(exitCodeForStatus("succeeded")).toBe(0);
    expect(exitCodeForStatus("failed")).toBe(1);
    expect(exitCodeForStatus("compensated")).toBe(1);
    expect(exitCodeForStatus("compensation_failed")).toBe(2);
    expect(exitCodeForStatus("suspended")).toBe(2);
    expect(exitCodeForStatus("waiting")).toBe(3);
  });

  it("recover succeeds only if every run succeeded", () => {
    expect(exitCodeForRuns([])).toBe(0);
    expect(exitCodeForRuns(["succeeded", "succeeded"])).toBe(0);
    expect(exitCodeForRuns(["succeeded", "compensated"])).toBe(1);
    expect(exitCodeForRuns(["suspended", "compensated"])).toBe(2);
  });
});
