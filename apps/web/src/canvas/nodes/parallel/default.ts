import type { ParallelState } from "@sagaflow/shared";

/** A parallel state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: ParallelState = {
  type: "parallel",
  branches: { branch_1: { startAt: "", states: {} }, branch_2: { startAt: "", states: {} } },
};
export const idPrefix = "parallel";
