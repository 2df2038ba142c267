import { describe, expect, it } from "vitest";
import { hrefOf, parseRoute } from "./route";

describe("routes", () => {
  it("parses and prints every page", () => {
    for (const hash of [
      "#/",
      "#/workflows/db-migration",
      "#/workflows/db-migration?version=3",
      "#/new/my-flow",
      "#/new/my-flow?state=charge",
      "#/workflows/db-migration?version=3&state=backup_db",
      "#/runs",
      "#/runs/01JD",
      "#/compare/db-migration?a=1&b=3",
    ]) {
      expect(hrefOf(parseRoute(hash))).toBe(hash);
    }
    expect(parseRoute("")).toEqual({ page: "list" });
    expect(parseRoute("#/compare/a?a=1")).toEqual({ page: "list" });
    expect(parseRoute("#/workflows/a?version=2")).toEqual({
      page: "editor",
      name: "a",
      isNew: false,
      version: 2,
    });
  });
});
