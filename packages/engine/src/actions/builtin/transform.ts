import { z } from "zod";
import { defineAction } from "../types";

export const transform = defineAction({
  name: "transform",
  description: "Outputs `value`, typically built by expressions from $input and $steps. No side effects.",
  effect: "none",
  params: z.strictObject({
    value: z.unknown().describe("The output: any JSON, expressions evaluated"),
  }),
  async handler(params) {
    return params.value ?? null;
  },
});
