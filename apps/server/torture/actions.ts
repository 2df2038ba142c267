import { defineAction } from "@sagaflow/engine";
import { z } from "zod";
import { insertLedgerRow } from "./ledger";

/**
 * The torture server's own action (`serve --actions torture/actions.ts`): a write that is not idempotent
 * and ignores its AbortSignal, so a cancel that arrives while it sleeps races its write. The engine must
 * await it and keep what it wrote; a redrive must never write it twice (the ledger shows every write).
 */
export const lateWrite = defineAction({
  name: "torture.lateWrite",
  description: "sleeps, ignoring aborts, then inserts one ledger row tagged with the step's key",
  params: z.object({ database: z.string(), state: z.string(), delayMs: z.number().int().min(0) }),
  effect: "write",
  handler: async (params, ctx) => {
    // No ctx.signal here on purpose: the write outraces the cancel, as a remote call already sent would.
    await new Promise((resolve) => setTimeout(resolve, params.delayMs));
    insertLedgerRow(ctx.resolvePath(params.database), {
      run: ctx.runId,
      state: params.state,
      key: ctx.idempotencyKey,
    });
    return { wrote: ctx.idempotencyKey };
  },
});

/**
 * Hostile steps (issue 12): each fails its own attempt with a clear error and hurts nothing else; the
 * run compensates. Deterministic: the same input always fails the same way, crashed or not.
 */
export const hostileOutput = defineAction({
  name: "torture.hostile",
  description: "huge output, deep JSON, a heap that grows until it runs out, or work that never yields",
  params: z.object({ kind: z.enum(["huge", "deep", "memory", "spin"]) }),
  effect: "none",
  handler: async (params) => {
    switch (params.kind) {
      case "huge":
        return { blob: "x".repeat(400 * 1024) };
      case "deep":
        return JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
      case "memory": {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(100_000).fill(hoard.length));
      }
      case "spin":
        for (;;) {}
    }
  },
});
