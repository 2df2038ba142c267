import { decodeTime, isValid } from "ulid";
import { describe, expect, it } from "vitest";
import { newRunId } from "./run-id";

describe("newRunId", () => {
  it("makes valid, distinct ULIDs stamped with the current time, using every character", () => {
    const before = Date.now();
    const ids = Array.from({ length: 5000 }, () => newRunId());
    expect(ids.every((id) => isValid(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [ids[0], ids.at(-1)]) {
      expect(decodeTime(id ?? "")).toBeGreaterThanOrEqual(before);
      expect(decodeTime(id ?? "")).toBeLessThanOrEqual(Date.now());
    }
    // The random part (last 16 characters) draws on all 32 symbols of Crockford base32.
    const symbols = new Set(ids.flatMap((id) => [...id.slice(10)]));
    expect(symbols.size).toBe(32);
  });
});
