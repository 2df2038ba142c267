import { pureTransform } from "../../core/pure-builtins";
import { defineAction } from "../types";

/** Pure: its params and logic live in the core, which simulations run too. */
export const transform = defineAction({
  name: pureTransform.name,
  description: pureTransform.description,
  effect: "none",
  params: pureTransform.params,
  async handler(params, ctx) {
    return pureTransform.run(params, ctx.attempt);
  },
});
