import { createContext, useContext } from "react";
import { useRunSession } from "../live/run-session-context";
import type { RunModel } from "../model/run-model";
import type { TravelController } from "./travel-controller";

export const TravelContext = createContext<TravelController | null>(null);

export function useTravel(): TravelController {
  const travel = useContext(TravelContext);
  if (!travel) throw new Error("useTravel outside <TravelContext.Provider>");
  return travel;
}

/**
 * The model the inspector, the timeline and the canvas show: the run as of the chosen event while time
 * travel is on, else the live one (which changes in place: `modelVersion` re-renders its readers).
 */
export function useViewModel(): RunModel {
  useRunSession((s) => s.modelVersion);
  return useRunSession((s) => s.travel?.point?.model ?? s.model);
}
