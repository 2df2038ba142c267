import type { SignalState } from "@sagaflow/shared";

/** A signal state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: SignalState = { type: "signal", signal: "approval", timeout: "1d" };
export const idPrefix = "signal";
