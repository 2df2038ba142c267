import { durationSchema, parseDuration } from "@sagaflow/shared";
import { z } from "zod";
import { abortReason, throwIfAborted } from "../errors";
import { defineAction } from "../types";

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const delay = defineAction({
  name: "delay",
  description:
    "Sleeps inside the step (in memory: use a wait state for durable timers). Stops at once on timeout " +
    "or cancel. Output: {slept} in milliseconds.",
  effect: "none",
  params: z.strictObject({
    duration: durationSchema.describe('How long: "250ms", "30s", "5m", … or a number of milliseconds'),
  }),
  async handler(params, ctx) {
    const ms = parseDuration(params.duration);
    await sleep(ms, ctx.signal);
    return { slept: ms };
  },
});
