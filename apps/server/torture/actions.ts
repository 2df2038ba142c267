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
