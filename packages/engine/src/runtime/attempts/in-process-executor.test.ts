import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ActionDefinition, defineAction, FatalError } from "../../actions/types";
import { silentLogger } from "../logger";
import type { AttemptRequest } from "./attempt-executor";
import { createInProcessExecutor } from "./in-process-executor";

function request(action: string, params: AttemptRequest["params"]): AttemptRequest {
  return {
    runId: "r1",
    stateId: "s",
    attempt: 1,
    idempotencyKey: "r1:s:1",
    action,
    params,
    timeoutMs: 1000,
  };
}

function executorWith(...actions: ActionDefinition[]) {
  return createInProcessExecutor({
    actions: new Map(actions.map((action) => [action.name, action])),
    resolvePath: (path) => path,
    logger: silentLogger,
  });
}

describe("in-process executor", () => {
  it("hands the action a copy of its params: its writes never reach the request, a __proto__ key sets no prototype", async () => {
    const mutate = defineAction({
      name: "test.mutate",
      description: "",
      params: z.looseObject({ list: z.array(z.number()), nested: z.looseObject({}) }),
      effect: "none",
      async handler(params) {
        params.list.push(99);
        (params.nested as Record<string, unknown>).x = 1;
        return {
          polluted: (params.nested as Record<string, unknown>).polluted ?? null,
          prototypeIsObject: Object.getPrototypeOf(params.nested) === Object.prototype,
        };
      },
    });
    const params = JSON.parse('{"list":[1,2],"nested":{"__proto__":{"polluted":true}}}');
    const outcome = await executorWith(mutate).execute(request("test.mutate", params), new AbortController());
    expect(outcome).toEqual({ ok: true, output: { polluted: null, prototypeIsObject: true } });
    expect(params).toEqual(JSON.parse('{"list":[1,2],"nested":{"__proto__":{"polluted":true}}}'));
  });

  it("makes the abort signal only when the action reads it, and that signal is the attempt's", async () => {
    const controller = new AbortController();
    let reads = 0;
    const lazy = {
      get signal() {
        reads += 1;
        return controller.signal;
      },
    };
    const ignores = defineAction({
      name: "test.ignores",
      description: "",
      params: z.object({}),
      effect: "none",
      async handler() {
        return 1;
      },
    });
    const reads2 = defineAction({
      name: "test.reads",
      description: "",
      params: z.object({}),
      effect: "none",
      async handler(_params, context) {
        controller.abort(new Error("stop"));
        return context.signal.aborted;
      },
    });
    const executor = executorWith(ignores, reads2);
    expect(await executor.execute(request("test.ignores", {}), lazy)).toEqual({ ok: true, output: 1 });
    expect(reads).toBe(0);
    expect(await executor.execute(request("test.reads", {}), lazy)).toEqual({ ok: true, output: true });
    expect(reads).toBe(1);
  });

  it("answers a synchronous handler at once, and turns its throws and non-JSON outputs into failed outcomes", () => {
    const sync = (name: string, handler: () => unknown) =>
      defineAction({ name, description: "", params: z.object({}), effect: "none", handler });
    const executor = executorWith(
      sync("test.value", () => ({ n: 1 })),
      sync("test.throws", () => {
        throw new FatalError("no such thing");
      }),
      sync("test.bigint", () => 10n),
      sync("test.cycle", () => {
        const loop: Record<string, unknown> = {};
        loop.self = loop;
        return loop;
      }),
    );
    const signal = new AbortController();
    // Not a promise: the runner settles the attempt without a turn of the event loop.
    expect(executor.execute(request("test.value", {}), signal)).toEqual({ ok: true, output: { n: 1 } });
    expect(executor.execute(request("test.throws", {}), signal)).toEqual({
      ok: false,
      error: { name: "FatalError", message: "no such thing", fatal: true },
    });
    // Invalid params throw inside the executor too: a failed outcome, never an exception.
    const typed = defineAction({
      name: "test.typed",
      description: "",
      params: z.object({ n: z.number() }),
      effect: "none",
      handler: (params) => params.n,
    });
    expect(executorWith(typed).execute(request("test.typed", { n: "x" }), signal)).toMatchObject({
      ok: false,
      error: { name: "InvalidParams", fatal: true },
    });
    for (const action of ["test.bigint", "test.cycle"]) {
      const outcome = executor.execute(request(action, {}), signal);
      expect(outcome).not.toBeInstanceOf(Promise);
      expect(outcome).toMatchObject({ ok: false, error: { fatal: false } });
    }
  });
});
