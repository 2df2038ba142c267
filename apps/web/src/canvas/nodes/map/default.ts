import type { MapState } from "@sagaflow/shared";

/** A map state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: MapState = {
  type: "map",
  items: "{% $input.items %}",
  iterator: { startAt: "", states: {} },
};
export const idPrefix = "map";
