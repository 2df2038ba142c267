import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../trpc";

export const actionsRouter = {
  /** Every action a definition may use, with the JSON Schema of its params (for the designer's forms). */
  catalog: publicProcedure.query(({ ctx }) => ctx.catalog),
} satisfies TRPCRouterRecord;
