import { describe, expect, it } from "vitest";
import { DRIVE_OPTIONS, parseCommandArgs, parseJsonArgument, UsageError } from "./args";

describe("command arguments", () => {
  it("reads options, repeated paths and positionals", () => {
    const parsed = parseCommandArgs(
      ["r1", "--db", "x.db", "--allow-path", "a", "--allow-path", "b", "--json"],
      DRIVE_OPTIONS,
      ["runId"],
    );
    expect(parsed.positionals).toEqual(["r1"]);
    expect(parsed.values).toMatchObject({ db: "x.db", "allow-path": ["a", "b"], json: true });
  });

  it("refuses unknown options, missing and extra positionals as bad usage", () => {
    expect(() => parseCommandArgs(["r1", "--bogus"], DRIVE_OPTIONS, ["runId"])).toThrow(UsageError);
    expect(() => parseCommandArgs([], DRIVE_OPTIONS, ["runId"])).toThrow("missing <runId>");
    expect(() => parseCommandArgs(["a", "b"], DRIVE_OPTIONS, ["runId"])).toThrow('unexpected argument "b"');
  });

  it("says where JSON is malformed", () => {
    expect(parseJsonArgument('{"a":[1,2]}', "--input")).toEqual({ a: [1, 2] });
    expect(() => parseJsonArgument("{a:1}", "--input")).toThrow(/--input is not valid JSON \(column 2\)/);
    expect(() => parseJsonArgument('{"a":{"__proto__":{"x":1}}}', "--input")).toThrow(
      /--input\.a: the key "__proto__" is reserved/,
    );
  });
});
