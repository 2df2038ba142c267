import { pureLog } from "../../core/pure-builtins";
import { defineAction } from "../types";

/** Its params and output live in the core (simulations run it too); the engine also writes the log. */
export const log = defineAction({
  name: pureLog.name,
  description: pureLog.description,
  effect: "none",
  params: pureLog.params,
  async handler(params, ctx) {
    ctx.log(params.message, params.level);
    return pureLog.run(params, ctx.attempt);
  },
});
