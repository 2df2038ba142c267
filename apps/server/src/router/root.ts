import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCRouter } from "../trpc";
import { actionsRouter } from "./actions";
import { alertsRouter } from "./alerts";
import { definitionsRouter } from "./definitions";
import { runsRouter } from "./runs";

export const appRouter = createTRPCRouter({
  definitions: definitionsRouter,
  actions: actionsRouter,
  runs: runsRouter,
  alerts: alertsRouter,
});

/** The web app imports this type only (never the server's code). */
export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
