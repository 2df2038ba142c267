import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findPnpm } from "./pnpm.mjs";

// Real processes, fake tools: shell scripts named corepack, npm and pnpm on a PATH of our own, so the
// finder runs exactly as on a machine without network (nothing here fetches anything).
let dir;
const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tools(scripts) {
  dir = mkdtempSync(path.join(tmpdir(), "sagaflow-pnpm-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  // Only our tools and the few basics they use: no real pnpm, npm or corepack.
  const basics = path.join(dir, "basics");
  mkdirSync(basics);
  for (const tool of ["dirname", "touch", "chmod", "rm"])
    symlinkSync(`/usr/bin/${tool}`, path.join(basics, tool));
  process.env.PATH = `${bin}:${basics}`;
  return bin;
}

const goodPnpm = (version) => `[ "$1" = "--version" ] && echo ${version}`;

describe("findPnpm", () => {
  it("uses pnpm on PATH when it is the pinned version, and asks nothing else", () => {
    const bin = tools({
      pnpm: goodPnpm("10.34.8"),
      corepack: `touch "${"$"}(dirname "$0")/corepack-called"`,
    });
    expect(findPnpm("10.34.8", () => {})).toEqual(["pnpm"]);
    expect(existsSync(path.join(bin, "corepack-called"))).toBe(false);
  });

  it("removes corepack's shim again when it cannot fetch pnpm, then installs pnpm once with npm", () => {
    const bin = tools({
      // `corepack enable pnpm` writes a shim that fails as the real one does offline; `disable` removes it.
      corepack: `bin="$(dirname "$0")"
case "$1" in
  --version) echo 0.34.6 ;;
  enable) printf '#!/bin/sh\\necho "Internal Error: Cannot find matching keyid" >&2\\nexit 1\\n' > "$bin/pnpm"; chmod +x "$bin/pnpm" ;;
  disable) rm -f "$bin/pnpm"; touch "$bin/shim-removed" ;;
esac`,
      npm: `bin="$(dirname "$0")"
[ "$1" = "install" ] && printf '#!/bin/sh\\n[ "$1" = "--version" ] && echo 10.34.8\\n' > "$bin/pnpm" && chmod +x "$bin/pnpm"`,
    });
    const lines = [];
    expect(findPnpm("10.34.8", (line) => lines.push(line))).toEqual(["pnpm"]);
    expect(existsSync(path.join(bin, "shim-removed"))).toBe(true);
    expect(lines[0]).toContain("its shim was removed again");
    expect(lines[1]).toContain("installing pnpm 10.34.8 with npm");
  });

  it("falls back to npx when nothing else gives the pinned pnpm, leaving no pnpm behind", () => {
    const bin = tools({ corepack: `[ "$1" = "--version" ] && echo 0.34.6`, npm: "exit 1" });
    expect(findPnpm("10.34.8", () => {})).toEqual(["npx", "--yes", "pnpm@10.34.8"]);
    expect(existsSync(path.join(bin, "pnpm"))).toBe(false);
  });
});
