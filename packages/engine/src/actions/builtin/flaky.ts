import { z } from "zod";
import { ActionError } from "../errors";
import { defineAction } from "../types";

export const flaky = defineAction({
  name: "flaky",
  description:
    "For demos and tests: fails the first `failTimes` attempts of a step with the named error, then " +
    "outputs `output`. Combine with a retry policy to see retries at work.",
  effect: "none",
  params: z.strictObject({
    failTimes: z.number().int().min(0).describe("How many attempts fail before one succeeds"),
    error: z.string().min(1).default("FlakyError").describe("Name of the error of the failing attempts"),
    message: z.string().optional().describe("Message of that error"),
    output: z.unknown().optional().describe("What the succeeding attempt outputs (default null)"),
  }),
  async handler(params, ctx) {
    if (ctx.attempt <= params.failTimes) {
      const message = params.message ?? `Attempt ${ctx.attempt} of ${params.failTimes} planned failures`;
      throw new ActionError(params.error, message);
    }
    return params.output ?? null;
  },
});
