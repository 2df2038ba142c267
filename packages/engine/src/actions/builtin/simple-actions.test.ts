import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invokeAction } from "../invoke";
import { createTestContext, type TestContext } from "../testing";
import { assertAction } from "./assert";
import { delay } from "./delay";
import { flaky } from "./flaky";
import { log } from "./log";
import { transform } from "./transform";

let root: string;
let ctx: TestContext;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "sagaflow-simple-"));
  ctx = createTestContext(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("assert", () => {
  it.each([true, 1, "yes", [0], { a: 1 }])("passes for %j", async (that) => {
    await expect(invokeAction(assertAction, { that }, ctx)).resolves.toEqual({ ok: true });
  });

  it.each([false, null, 0, "", []])("fails for %j with the default error", async (that) => {
    await expect(invokeAction(assertAction, { that }, ctx)).rejects.toMatchObject({
      name: "AssertionFailed",
      message: "Assertion failed",
    });
  });

  it("fails with the error name and message it is given", async () => {
    const params = { that: false, error: "ValidationError", message: "2 foreign key violations" };
    await expect(invokeAction(assertAction, params, ctx)).rejects.toMatchObject({
      name: "ValidationError",
      message: "2 foreign key violations",
    });
  });
});

describe("transform", () => {
  it("outputs its value, which is required", async () => {
    await expect(invokeAction(transform, { value: { a: [1, "b"] } }, ctx)).resolves.toEqual({ a: [1, "b"] });
    await expect(invokeAction(transform, { value: null }, ctx)).resolves.toBeNull();
    await expect(invokeAction(transform, {}, ctx)).rejects.toMatchObject({ name: "InvalidParams" });
  });
});

describe("delay", () => {
  it("sleeps and reports how long", async () => {
    await expect(invokeAction(delay, { duration: "5ms" }, ctx)).resolves.toEqual({ slept: 5 });
    await expect(invokeAction(delay, { duration: 0 }, ctx)).resolves.toEqual({ slept: 0 });
  });

  it("stops with the abort reason when aborted mid-sleep", async () => {
    const sleeping = invokeAction(delay, { duration: "1h" }, ctx);
    const reason = Object.assign(new Error("step timed out"), { name: "TimeoutError" });
    ctx.controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it("does not start when already aborted; a bare abort gives an AbortError", async () => {
    ctx.controller.abort();
    await expect(invokeAction(delay, { duration: "1h" }, ctx)).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("log", () => {
  it("writes through the context's log at the given level", async () => {
    await expect(invokeAction(log, { message: "hello" }, ctx)).resolves.toEqual({});
    await invokeAction(log, { message: "careful", level: "warn" }, ctx);
    expect(ctx.logs).toEqual([
      { message: "hello", level: "info" },
      { message: "careful", level: "warn" },
    ]);
  });

  it("refuses an unknown level", async () => {
    await expect(invokeAction(log, { message: "x", level: "loud" }, ctx)).rejects.toMatchObject({
      name: "InvalidParams",
    });
  });
});

describe("flaky", () => {
  it("fails the first failTimes attempts, then outputs its output", async () => {
    const params = { failTimes: 2, output: { polled: true } };
    for (const attempt of [1, 2]) {
      await expect(invokeAction(flaky, params, { ...ctx, attempt })).rejects.toMatchObject({
        name: "FlakyError",
        message: expect.stringContaining(`Attempt ${attempt}`),
      });
    }
    await expect(invokeAction(flaky, params, { ...ctx, attempt: 3 })).resolves.toEqual({ polled: true });
  });

  it("uses the given error name and message, and outputs null by default", async () => {
    const params = { failTimes: 1, error: "Unavailable", message: "try later" };
    await expect(invokeAction(flaky, params, ctx)).rejects.toMatchObject({
      name: "Unavailable",
      message: "try later",
    });
    await expect(invokeAction(flaky, { failTimes: 0 }, ctx)).resolves.toBeNull();
  });
});
