import type { FailState } from "@sagaflow/shared";

/** A fail state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: FailState = { type: "fail", error: "Failed", message: "The workflow failed" };
export const idPrefix = "fail";
