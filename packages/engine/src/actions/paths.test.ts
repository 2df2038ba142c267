import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPathPolicy, type PathPolicy } from "./paths";

let base: string;
let root: string;
let otherRoot: string;
let outside: string;
let policy: PathPolicy;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), "sagaflow-paths-"));
  root = path.join(base, "root");
  otherRoot = path.join(base, "extra");
  outside = path.join(base, "outside");
  for (const dir of [root, otherRoot, outside, path.join(root, "data")]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(outside, "secret.db"), "secret");
  symlinkSync(outside, path.join(root, "to-outside"));
  symlinkSync(path.join(outside, "secret.db"), path.join(root, "secret-link.db"));
  symlinkSync(path.join(outside, "not-yet.db"), path.join(root, "dangling.db"));
  symlinkSync(path.join(root, "data"), path.join(root, "data-link"));
  policy = createPathPolicy([root, otherRoot]);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("createPathPolicy", () => {
  it("resolves relative paths against the first root", () => {
    expect(policy.resolvePath("app.db")).toBe(path.join(root, "app.db"));
    expect(policy.resolvePath("./data/new/app.db")).toBe(path.join(root, "data", "new", "app.db"));
  });

  it("allows absolute paths inside any root, and `..` that stays inside", () => {
    expect(policy.resolvePath(path.join(otherRoot, "x.db"))).toBe(path.join(otherRoot, "x.db"));
    expect(policy.resolvePath("data/../app.db")).toBe(path.join(root, "app.db"));
    expect(policy.resolvePath("..app.db")).toBe(path.join(root, "..app.db"));
  });

  it("allows symlinks whose target stays inside a root", () => {
    expect(policy.resolvePath("data-link/app.db")).toBe(path.join(root, "data-link", "app.db"));
  });

  const escapes: [string, () => string][] = [
    ["a parent directory", () => "../outside/secret.db"],
    ["a `..` after a real directory", () => "data/../../outside/secret.db"],
    ["a deep `..` chain", () => "data/x/../../../../../../etc/passwd"],
    ["an absolute path elsewhere", () => "/etc/passwd"],
    ["an absolute path to a sibling of the root", () => path.join(outside, "secret.db")],
    ["a root's name as a prefix", () => `${root}-evil/app.db`],
    ["the parent of the root itself", () => ".."],
    ["a symlinked directory pointing outside", () => "to-outside/secret.db"],
    ["a not-yet-existing file under a symlink pointing outside", () => "to-outside/new/file.db"],
    ["a symlinked file pointing outside", () => "secret-link.db"],
    ["a dangling symlink pointing outside", () => "dangling.db"],
    ["an empty path", () => ""],
    ["a NUL byte", () => "app.db\0.txt"],
  ];

  it.each(escapes)("refuses %s with ForbiddenPath", (_label, requested) => {
    let caught: unknown;
    try {
      policy.resolvePath(requested());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe("ForbiddenPath");
    expect((caught as Error).message).toMatch(/path/i);
  });

  it("names the allowed roots in the message", () => {
    expect(() => policy.resolvePath("../x")).toThrow(root);
  });

  it("refuses every path when no root is open, saying how to open one", () => {
    const closed = createPathPolicy([]);
    expect(closed.roots).toEqual([]);
    expect(() => closed.resolvePath(path.join(root, "a.db"))).toThrow(/--allow-path/);
  });
});

describe("the engine's own database", () => {
  const engineDb = () => path.join(root, "data", "sagaflow.db");
  const guarded = () => createPathPolicy([root], { protectedFiles: [engineDb()] });

  it.each([
    "data/sagaflow.db",
    "data/sagaflow.db-wal",
    "data/sagaflow.db-shm",
    "data/sagaflow.db-journal",
    "data/sagaflow.db.abc.backup",
    "data/../data/sagaflow.db",
    "data-link/sagaflow.db",
  ])("refuses %s although its folder is a root", (requested) => {
    writeFileSync(engineDb(), "db");
    expect(() => guarded().resolvePath(requested)).toThrow(/engine's own database/);
  });

  it("refuses a symlink that points at it", () => {
    writeFileSync(engineDb(), "db");
    symlinkSync(engineDb(), path.join(root, "innocent.db"));
    expect(() => guarded().resolvePath("innocent.db")).toThrow(/engine's own database/);
  });

  it("still allows the other files beside it", () => {
    expect(guarded().resolvePath("data/app.db")).toBe(path.join(root, "data", "app.db"));
  });
});
