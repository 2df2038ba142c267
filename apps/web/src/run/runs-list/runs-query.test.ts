import { runStatusSchema } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import {
  EMPTY_RUNS_QUERY,
  isoToLocalInput,
  localInputToIso,
  normaliseIdPrefix,
  parseRunsQuery,
  runsQueryHash,
  statusesOf,
} from "./runs-query";

describe("the runs page URL", () => {
  it("keeps filters and page through a round trip", () => {
    const query = {
      status: "failed" as const,
      workflow: "order-saga",
      q: "01JD",
      from: "2026-12-01T08:00:00.000Z",
      to: "2026-12-02T08:00:00.000Z",
      page: 3,
      after: "WyIyMDI2IiwiMDFKRCJd",
    };
    const hash = runsQueryHash(query);
    expect(hash.startsWith("#/runs?")).toBe(true);
    expect(parseRunsQuery(hash)).toEqual(query);
    expect(runsQueryHash(EMPTY_RUNS_QUERY)).toBe("#/runs");
  });

  it("reads malformed parts as no filter, and a page without its cursor as page 1", () => {
    expect(parseRunsQuery("#/runs?status=exploded&from=yesterday&page=4")).toEqual(EMPTY_RUNS_QUERY);
    expect(parseRunsQuery("#/runs?status=attention").status).toBe("attention");
  });

  it("finds runs that ended badly, compensated ones included, and reaches every status from a filter", () => {
    const query = parseRunsQuery("#/runs?status=ended_badly");
    expect(query.status).toBe("ended_badly");
    expect(statusesOf(query.status)).toEqual(["failed", "compensated", "compensation_failed", "canceled"]);
    expect(statusesOf("")).toBeUndefined();
    for (const status of runStatusSchema.options) {
      expect(statusesOf(parseRunsQuery(runsQueryHash({ ...EMPTY_RUNS_QUERY, status })).status)).toEqual([
        status,
      ]);
    }
  });

  it("upper-cases a ULID prefix typed in lower case, and converts local times to UTC and back", () => {
    expect(normaliseIdPrefix(" 01jd7x ")).toBe("01JD7X");
    expect(normaliseIdPrefix("run-1")).toBe("run-1");
    const iso = localInputToIso("2026-12-01T09:30");
    expect(new Date(iso).getHours()).toBe(9);
    expect(isoToLocalInput(iso)).toBe("2026-12-01T09:30");
    expect(localInputToIso("")).toBe("");
  });
});
