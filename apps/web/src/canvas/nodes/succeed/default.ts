import type { SucceedState } from "@sagaflow/shared";

/** A succeed state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: SucceedState = { type: "succeed" };
export const idPrefix = "succeed";
