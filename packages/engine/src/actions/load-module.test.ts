import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { builtinActions } from "./builtin";
import { invokeAction } from "./invoke";
import { loadActionsModule } from "./load-module";
import { actionCatalog, createActionRegistry } from "./registry";
import { createTestContext } from "./testing";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string) => path.join(fixtures, name);

describe("loadActionsModule", () => {
  it("loads the named actions of a TypeScript module and runs them", async () => {
    const actions = await loadActionsModule(fixture("custom-actions.ts"));
    expect(actions.map((a) => a.name).sort()).toEqual(["demo.charge", "demo.greet"]);
    const registry = createActionRegistry([...builtinActions, ...actions]);
    const ctx = createTestContext(fixtures, { idempotencyKey: "r:s:1" });
    await expect(invokeAction(registry.get("demo.charge")!, { amount: 5 }, ctx)).resolves.toEqual({
      charged: 5,
      key: "r:s:1",
    });
    await expect(invokeAction(registry.get("demo.greet")!, { who: 3 }, ctx)).rejects.toMatchObject({
      name: "InvalidParams",
      message: expect.stringContaining("who"),
    });
  });

  it("puts custom actions in the catalog with their JSON Schema", async () => {
    const catalog = actionCatalog(await loadActionsModule(fixture("custom-actions.ts")));
    expect(catalog["demo.charge"]).toMatchObject({
      effect: "write",
      params: { type: "object", properties: { amount: { type: "number", exclusiveMinimum: 0 } } },
    });
  });

  it("loads a JavaScript module's default export array", async () => {
    const [double] = await loadActionsModule(fixture("default-array-actions.mjs"));
    expect(double?.name).toBe("demo.double");
    await expect(invokeAction(double!, { n: 21 }, createTestContext(fixtures))).resolves.toBe(42);
  });

  it.each([
    ["no-actions.ts", /no-actions\.ts exports no actions/],
    [
      "bad-params-actions.ts",
      /bad-params-actions\.ts: action "broken" "demo.broken": params must be a zod schema/,
    ],
    ["duplicate-actions.ts", /duplicate-actions\.ts defines action "demo.twice" more than once/],
    [
      "syntax-error-actions.ts",
      /syntax-error-actions\.ts: cannot load the actions module: boom while loading/,
    ],
    ["missing.ts", /missing\.ts: cannot load the actions module/],
  ])("refuses %s with a message naming the file", async (name, message) => {
    await expect(loadActionsModule(fixture(name))).rejects.toMatchObject({
      name: "ActionModuleError",
      message,
    });
  });

  it("refuses a custom action that takes a built-in's name", async () => {
    const clash = { ...builtinActions[0]!, description: "mine" };
    expect(() => createActionRegistry([...builtinActions, clash])).toThrow(
      /"sql.exec" is defined more than once/,
    );
  });
});
