import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { builtinActions } from "./builtin";
import { InvalidParamsError, invokeAction } from "./invoke";
import { createActionRegistry } from "./registry";
import { createTestContext, type TestContext } from "./testing";
import { FatalError } from "./types";

const actions = createActionRegistry(builtinActions);
let root: string;
let ctx: TestContext;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "sagaflow-invoke-"));
  ctx = createTestContext(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("invokeAction", () => {
  it("applies the schema's defaults before calling the handler", async () => {
    const error = await invokeAction(actions.get("assert")!, { that: false }, ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AssertionFailed", message: "Assertion failed" });
  });

  it("refuses params that do not match, naming the param, as a fatal error", async () => {
    const error = await invokeAction(actions.get("delay")!, { duration: "soon" }, ctx).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidParamsError);
    expect(error).toBeInstanceOf(FatalError);
    expect((error as Error).name).toBe("InvalidParams");
    expect((error as Error).message).toMatch(/delay[\s\S]*duration/);
  });

  it("refuses unknown params, which are usually typos", async () => {
    const error = await invokeAction(actions.get("transform")!, { valeu: 1 }, ctx).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/valeu/);
  });
});
