import { describe, expect, it } from "vitest";
import { createHostAllowList } from "./host-allow-list";

describe("createHostAllowList", () => {
  const own = createHostAllowList({ port: () => 3000 });

  it("serves localhost and IP addresses on the server's port", () => {
    for (const host of [
      "localhost:3000",
      "127.0.0.1:3000",
      "[::1]:3000",
      "LOCALHOST:3000",
      "192.168.1.10:3000",
    ]) {
      expect(own.allows(host)).toBe(true);
    }
  });

  it("refuses other names, other ports, a missing or malformed Host", () => {
    for (const host of [
      "evil.example:3000",
      "evil.example",
      "localhost.evil.example:3000",
      "localhost:3001",
      "127.0.0.1:3001",
      "localhost",
      "a:b:c",
      "",
      undefined,
    ]) {
      expect(own.allows(host)).toBe(false);
    }
  });

  it("adds each --allowed-host, with or without a port", () => {
    const list = createHostAllowList({
      port: () => 8080,
      allowedHosts: ["sagaflow.example.com", "box.lan:8080"],
    });
    expect(list.allows("sagaflow.example.com")).toBe(true);
    expect(list.allows("sagaflow.example.com:443")).toBe(true);
    expect(list.allows("box.lan:8080")).toBe(true);
    expect(list.allows("box.lan:9090")).toBe(false);
    expect(list.allows("box.lan.evil.example:8080")).toBe(false);
    expect(list.describe()).toContain("sagaflow.example.com");
  });

  it("serves the name it was bound to (--host box.lan), on any port", () => {
    const list = createHostAllowList({ port: () => 3000, bindHost: "box.lan" });
    expect(list.allows("box.lan:3000")).toBe(true);
    expect(createHostAllowList({ port: () => 3000, bindHost: "0.0.0.0" }).allows("0.0.0.0:3000")).toBe(true);
    expect(createHostAllowList({ port: () => 3000, bindHost: "0.0.0.0" }).allows("box.lan:3000")).toBe(false);
  });

  it("rejects a malformed --allowed-host", () => {
    expect(() => createHostAllowList({ port: () => 1, allowedHosts: ["http://x/"] })).toThrow(
      /--allowed-host/,
    );
  });
});
