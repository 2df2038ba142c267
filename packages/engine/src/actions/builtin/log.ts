import { z } from "zod";
import { defineAction } from "../types";

export const log = defineAction({
  name: "log",
  description: "Writes a message to the run's log. Output: {}.",
  effect: "none",
  params: z.strictObject({
    message: z.string().describe("The text to log; expressions may build it"),
    level: z.enum(["debug", "info", "warn", "error"]).default("info").describe("Log level"),
  }),
  async handler(params, ctx) {
    ctx.log(params.message, params.level);
    return {};
  },
});
