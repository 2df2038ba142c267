import { describe, expect, it } from "vitest";
import { checkPayload, DEFAULT_PAYLOAD_LIMITS } from "./payload-limits";

const limits = DEFAULT_PAYLOAD_LIMITS;

describe("checkPayload", () => {
  it("returns the JSON text of plain JSON; a value shared by two branches is no cycle", () => {
    const shared = { a: [1, "x", null, true] };
    expect(checkPayload({ left: shared, right: shared }, limits, "v")).toEqual({
      ok: true,
      json: '{"left":{"a":[1,"x",null,true]},"right":{"a":[1,"x",null,true]}}',
    });
    expect(checkPayload(5, limits, "v")).toEqual({ ok: true, json: "5" });
  });

  it("names the path of what is not plain JSON", () => {
    const cyclic: Record<string, unknown> = { list: [1, {}] };
    (cyclic.list as unknown[])[1] = cyclic;
    expect(checkPayload({ a: { b: [0, 1n] } }, limits, "the output")).toEqual({
      ok: false,
      reason: "the output is not plain JSON: a BigInt at $.a.b.1",
    });
    expect(checkPayload(cyclic, limits, "v")).toEqual({
      ok: false,
      reason: "v is not plain JSON: a cycle at $.list.1",
    });
    expect(checkPayload({ gone: undefined }, limits, "v")).toEqual({
      ok: false,
      reason: "v is not plain JSON: undefined at $.gone",
    });
    expect(checkPayload(new Date(0), limits, "v")).toEqual({
      ok: false,
      reason: "v is not plain JSON: a Date at $",
    });
    // A hole reads as undefined, which JSON would turn into null: refused too.
    expect(checkPayload(new Array(3), limits, "v")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("undefined at $.2"),
    });
  });

  it("refuses values too deep or too large", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 65; i++) deep = [deep];
    expect(checkPayload(deep, limits, "v")).toEqual({
      ok: false,
      reason: "v nests deeper than 64 levels, the payload depth limit",
    });
    expect(checkPayload("x".repeat(300 * 1024), limits, "v")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("over the 256 KiB payload limit"),
    });
  });
});
