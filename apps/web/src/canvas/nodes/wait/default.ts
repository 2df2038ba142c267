import type { WaitState } from "@sagaflow/shared";

/** A wait state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: WaitState = { type: "wait", duration: "5s" };
export const idPrefix = "wait";
