import { pureAssert } from "../../core/pure-builtins";
import { defineAction } from "../types";

/** Pure: its params and logic live in the core, which simulations run too. */
export const assertAction = defineAction({
  name: pureAssert.name,
  description: pureAssert.description,
  effect: "none",
  params: pureAssert.params,
  async handler(params, ctx) {
    return pureAssert.run(params, ctx.attempt);
  },
});
