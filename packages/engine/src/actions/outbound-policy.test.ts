import { describe, expect, it } from "vitest";
import { createOutboundPolicy } from "./outbound-policy";

const refusal = (check: () => void): string => {
  try {
    check();
  } catch (error) {
    expect((error as Error).name).toBe("ForbiddenUrl");
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
};

describe("the default outbound policy", () => {
  const policy = createOutboundPolicy({ self: () => ({ host: "127.0.0.1", port: 3000 }) });

  it.each([
    ["169.254.169.254", "169.254.169.254", /link-local/],
    ["metadata.google.internal", "169.254.169.254", /metadata/],
    ["fd00:ec2::254", "fd00:ec2::254", /metadata/],
    ["fe80::1", "fe80::1", /link-local/],
    ["::ffff:169.254.169.254", "::ffff:169.254.169.254", /link-local/],
    ["0.0.0.0", "0.0.0.0", /unspecified/],
  ])("refuses %s", (host, address, why) => {
    expect(refusal(() => policy.check(host, address, 80))).toMatch(why);
  });

  it("refuses the server's own port on every loopback form, IPv4-mapped included", () => {
    for (const address of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1"]) {
      expect(refusal(() => policy.check("localhost", address, 3000))).toMatch(/own address and port 3000/);
    }
  });

  it("lets loopback on other ports and public addresses through", () => {
    expect(() => policy.check("localhost", "127.0.0.1", 8080)).not.toThrow();
    expect(() => policy.check("example.com", "93.184.216.34", 443)).not.toThrow();
  });

  it("refuses any local address on the server's port when it listens on every interface", () => {
    const open = createOutboundPolicy({ self: () => ({ host: "0.0.0.0", port: 3000 }) });
    expect(refusal(() => open.check("box", "10.1.2.3", 3000))).toMatch(/own address/);
  });
});

describe("--http-allow and --http-deny", () => {
  it("with an allow list, reaches only what it names", () => {
    const policy = createOutboundPolicy({ allow: ["api.example.com", "*.internal.test", "10.0.0.0/8"] });
    expect(() => policy.check("api.example.com", "93.184.216.34", 443)).not.toThrow();
    expect(() => policy.check("a.b.internal.test", "93.184.216.35", 443)).not.toThrow();
    expect(() => policy.check("whatever", "10.2.3.4", 80)).not.toThrow();
    expect(refusal(() => policy.check("other.example.com", "93.184.216.34", 443))).toMatch(/--http-allow/);
  });

  it("an allowed name that resolves to a link-local address is still refused", () => {
    const policy = createOutboundPolicy({ allow: ["rebind.example.com"] });
    expect(refusal(() => policy.check("rebind.example.com", "169.254.169.254", 80))).toMatch(/link-local/);
  });

  it("an allowed address lifts the default refusal; deny wins over allow", () => {
    const policy = createOutboundPolicy({ allow: ["169.254.169.254"], deny: ["169.254.169.254/32"] });
    expect(refusal(() => policy.check("x", "169.254.169.254", 80))).toMatch(/--http-deny/);
    const opened = createOutboundPolicy({ allow: ["169.254.0.0/16"] });
    expect(() => opened.check("x", "169.254.169.254", 80)).not.toThrow();
  });

  it("denies by name, by address and by IPv4-mapped range", () => {
    const policy = createOutboundPolicy({ deny: ["localhost", "::ffff:127.0.0.0/104", "*.corp"] });
    expect(refusal(() => policy.check("localhost", "10.0.0.1", 80))).toMatch(/--http-deny/);
    expect(refusal(() => policy.check("x", "127.0.0.1", 80))).toMatch(/--http-deny/);
    expect(refusal(() => policy.check("db.corp", "10.0.0.1", 80))).toMatch(/--http-deny/);
  });

  it("rejects entries that are neither names, addresses nor ranges", () => {
    expect(() => createOutboundPolicy({ deny: ["10.0.0.0/99"] })).toThrow(/--http-deny: "10.0.0.0\/99"/);
    expect(() => createOutboundPolicy({ allow: ["http://x"] })).toThrow(/--http-allow/);
  });
});
