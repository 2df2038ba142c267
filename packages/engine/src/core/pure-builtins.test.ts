import { describe, expect, it } from "vitest";
import { builtinActions } from "../actions/builtin";
import { simulatedBuiltins } from "./pure-builtins";

describe("simulatedBuiltins", () => {
  const actions = simulatedBuiltins();

  it("runs only the built-ins with no effect outside the process", () => {
    expect(Object.keys(actions).sort()).toEqual(["assert", "delay", "flaky", "log", "transform"]);
    const effectful = builtinActions.filter((action) => !(action.name in actions)).map((a) => a.name);
    expect(effectful.sort()).toEqual([
      "file.delete",
      "http.request",
      "sql.exec",
      "sql.query",
      "sqlite.backup",
      "sqlite.restore",
    ]);
  });

  it("runs their real handlers, with params parsed and defaults applied", async () => {
    expect(await actions.transform?.run({ value: { a: 1 } }, 1)).toEqual({ a: 1 });
    expect(await actions.log?.run({ message: "hi" }, 1)).toEqual({});
    await expect(actions.assert?.run({ that: false }, 1)).rejects.toMatchObject({ name: "AssertionFailed" });
    await expect(actions.flaky?.run({ failTimes: 1, error: "Busy" }, 1)).rejects.toMatchObject({
      name: "Busy",
    });
    expect(await actions.flaky?.run({ failTimes: 1, output: "ok" }, 2)).toBe("ok");
  });

  it("marks invalid params fatal, so they are never retried", async () => {
    await expect(actions.log?.run({ text: "no message" }, 1)).rejects.toMatchObject({
      name: "InvalidParams",
      fatal: true,
    });
  });

  it("lets delay take its duration on the simulated clock", async () => {
    expect(actions.delay?.takesMs?.({ duration: "2s" })).toBe(2000);
    expect(await actions.delay?.run({ duration: "2s" }, 1)).toEqual({ slept: 2000 });
  });
});
