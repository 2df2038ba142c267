import type { CompensationState } from "@sagaflow/shared";

/** A compensation state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: CompensationState = {
  type: "compensation",
  action: "log",
  params: { message: "Undo" },
};
export const idPrefix = "undo";
