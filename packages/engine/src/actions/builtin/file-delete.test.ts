import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invokeAction } from "../invoke";
import { createTestContext, type TestContext } from "../testing";
import { fileDelete } from "./file-delete";

let base: string;
let root: string;
let ctx: TestContext;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), "sagaflow-delete-"));
  root = path.join(base, "root");
  mkdirSync(path.join(root, "dir"), { recursive: true });
  writeFileSync(path.join(root, "a.backup"), "x");
  writeFileSync(path.join(base, "outside.txt"), "keep me");
  ctx = createTestContext(root);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("file.delete", () => {
  it("deletes a file, then reports nothing to delete on a retry", async () => {
    await expect(invokeAction(fileDelete, { path: "a.backup" }, ctx)).resolves.toEqual({ deleted: true });
    expect(existsSync(path.join(root, "a.backup"))).toBe(false);
    await expect(invokeAction(fileDelete, { path: "a.backup" }, ctx)).resolves.toEqual({ deleted: false });
  });

  it("deletes a symlink, not what it points to", async () => {
    symlinkSync(path.join(root, "a.backup"), path.join(root, "link"));
    await expect(invokeAction(fileDelete, { path: "link" }, ctx)).resolves.toEqual({ deleted: true });
    expect(existsSync(path.join(root, "a.backup"))).toBe(true);
  });

  it("refuses directories with NotAFile", async () => {
    await expect(invokeAction(fileDelete, { path: "dir" }, ctx)).rejects.toMatchObject({ name: "NotAFile" });
    expect(existsSync(path.join(root, "dir"))).toBe(true);
  });

  it("refuses files outside the allowed roots and keeps them", async () => {
    for (const outsidePath of ["../outside.txt", path.join(base, "outside.txt")]) {
      await expect(invokeAction(fileDelete, { path: outsidePath }, ctx)).rejects.toMatchObject({
        name: "ForbiddenPath",
      });
    }
    symlinkSync(base, path.join(root, "up"));
    await expect(invokeAction(fileDelete, { path: "up/outside.txt" }, ctx)).rejects.toMatchObject({
      name: "ForbiddenPath",
    });
    expect(existsSync(path.join(base, "outside.txt"))).toBe(true);
  });
});
