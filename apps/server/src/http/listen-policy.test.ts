import { describe, expect, it } from "vitest";
import { decideListenPolicy, isLoopbackHost } from "./listen-policy";

describe("decideListenPolicy", () => {
  it("lets loopback binds start without a token", () => {
    expect(decideListenPolicy("127.0.0.1", undefined)).toEqual({ ok: true, token: undefined });
    expect(decideListenPolicy("localhost", "")).toEqual({ ok: true, token: undefined });
    expect(decideListenPolicy("::1", undefined)).toEqual({ ok: true, token: undefined });
  });

  it("keeps a token on loopback when one is given", () => {
    expect(decideListenPolicy("127.0.0.1", " s3cret ")).toEqual({ ok: true, token: "s3cret" });
  });

  it("refuses any other host without a token, naming SAGAFLOW_TOKEN", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.org"]) {
      const policy = decideListenPolicy(host, undefined);
      expect(policy.ok).toBe(false);
      if (!policy.ok) expect(policy.reason).toContain("SAGAFLOW_TOKEN");
    }
    expect(decideListenPolicy("0.0.0.0", "   ").ok).toBe(false);
  });

  it("accepts any host with a token of at least 16 characters", () => {
    const token = "0123456789abcdef";
    expect(decideListenPolicy("0.0.0.0", token)).toEqual({ ok: true, token });
  });

  it("refuses a short token off loopback, suggesting a generated one", () => {
    const policy = decideListenPolicy("0.0.0.0", "x");
    expect(policy.ok).toBe(false);
    if (!policy.ok) expect(policy.reason).toMatch(/1 characters, at least 16.*SAGAFLOW_TOKEN=[\w-]{43}/);
    expect(decideListenPolicy("127.0.0.1", "x")).toEqual({ ok: true, token: "x" });
  });

  it("knows the loopback range", () => {
    expect(isLoopbackHost("127.5.6.7")).toBe(true);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
  });
});
