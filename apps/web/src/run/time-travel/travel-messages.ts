import type { Definition } from "@sagaflow/shared";
import type { RunHistoryEvent } from "../model/run-model";
import type { TravelPoint } from "./travel-fold";

/** What the page and the time-travel worker say to each other (structured-cloned). */

export type ToWorker =
  | { type: "init"; runId: string; definition: Definition | null }
  | { type: "append"; events: RunHistoryEvent[] }
  | { type: "seek"; seq: number };

export type FromWorker =
  | { type: "appended"; length: number; foldMs: number }
  | ({ type: "point"; foldMs: number } & TravelPoint);
