import { z } from "zod";
import { ActionError } from "../errors";
import { defineAction } from "../types";

/** JavaScript's falsy values, plus an empty list: "no rows" fails an assertion. */
export function isFalsy(value: unknown): boolean {
  return !value || (Array.isArray(value) && value.length === 0);
}

export const assertAction = defineAction({
  name: "assert",
  description:
    "Fails with the named error when `that` is falsy (false, null, 0, an empty string or an empty list). " +
    "Output: {ok: true}.",
  effect: "none",
  params: z.strictObject({
    that: z.unknown().describe("The value to check, usually an expression such as {% $count(...) = 0 %}"),
    error: z
      .string()
      .min(1)
      .default("AssertionFailed")
      .describe("Name of the error thrown when the check fails: what catch and retryOn match"),
    message: z.string().default("Assertion failed").describe("Message of that error"),
  }),
  async handler(params) {
    if (isFalsy(params.that)) throw new ActionError(params.error, params.message);
    return { ok: true as const };
  },
});
