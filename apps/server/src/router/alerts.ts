import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../trpc";

export const alertsRouter = {
  /** Open `compensation_failed` alerts, oldest first: each needs a person to retry or resolve. */
  list: publicProcedure.query(({ ctx }) => ctx.alerts.list()),
} satisfies TRPCRouterRecord;
