import { pureFlaky } from "../../core/pure-builtins";
import { defineAction } from "../types";

/** Pure: its params and logic live in the core, which simulations run too. */
export const flaky = defineAction({
  name: pureFlaky.name,
  description: pureFlaky.description,
  effect: "none",
  params: pureFlaky.params,
  async handler(params, ctx) {
    return pureFlaky.run(params, ctx.attempt);
  },
});
