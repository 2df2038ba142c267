import { parseDuration } from "@sagaflow/shared";
import { pureDelay } from "../../core/pure-builtins";
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

/** Its params and output live in the core (simulations take the duration on their clock); this one sleeps. */
export const delay = defineAction({
  name: pureDelay.name,
  description: pureDelay.description,
  effect: "none",
  params: pureDelay.params,
  async handler(params, ctx) {
    await sleep(parseDuration(params.duration), ctx.signal);
    return pureDelay.run(params, ctx.attempt);
  },
});
