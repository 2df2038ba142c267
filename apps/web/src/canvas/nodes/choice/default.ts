import type { ChoiceState } from "@sagaflow/shared";

/** A choice state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: ChoiceState = { type: "choice", choices: [] };
export const idPrefix = "choice";
