import { describe, expect, it } from "vitest";
import { UsageError } from "./args";
import { cliHttpOptions, httpPolicyOf, parseByteSize } from "./http-policy-flags";

describe("--http-allow, --http-deny, --http-max-response", () => {
  it("adds the environment's lists to the flags'", () => {
    const flags = httpPolicyOf(
      { "http-allow": ["api.example.com"], "http-deny": ["10.0.0.0/8"], "http-max-response": "4MiB" },
      { SAGAFLOW_HTTP_ALLOW: "a.test, b.test", SAGAFLOW_HTTP_DENY: "" },
    );
    expect(flags).toEqual({
      httpAllow: ["a.test", "b.test", "api.example.com"],
      httpDeny: ["10.0.0.0/8"],
      httpMaxResponseBytes: 4 * 1024 * 1024,
    });
  });

  it("reads sizes in bytes or with a unit, and refuses anything else", () => {
    expect(parseByteSize("1048576", "--x")).toBe(1048576);
    expect(parseByteSize("512KiB", "--x")).toBe(512 * 1024);
    expect(parseByteSize("2 MB", "--x")).toBe(2_000_000);
    for (const bad of ["", "0", "-1", "1GiB", "lots"]) {
      expect(() => parseByteSize(bad, "--http-max-response")).toThrow(UsageError);
    }
  });

  it("turns a bad entry into a usage error naming the flag", () => {
    expect(() => cliHttpOptions({ httpAllow: [], httpDeny: ["10.0.0.0/99"] })).toThrow(/--http-deny/);
    expect(() => cliHttpOptions({ httpAllow: [], httpDeny: ["10.0.0.0/99"] })).toThrow(UsageError);
  });
});
