import { pureTransform } from "../../core/pure-builtins";
import { defineAction } from "../types";

/** Pure: its params and logic live in the core, which simulations run too. */
export const transform = defineAction({
  name: pureTransform.name,
  description: pureTransform.description,
  effect: "none",
  params: pureTransform.params,
  // Synchronous: the attempt settles without a turn of the event loop (the runner's fast path).
  handler(params, ctx) {
    return pureTransform.run(params, ctx.attempt);
  },
});
