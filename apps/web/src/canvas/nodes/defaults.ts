import type { State, StateType } from "@sagaflow/shared";
import * as choice from "./choice/default";
import * as compensation from "./compensation/default";
import * as fail from "./fail/default";
import * as map from "./map/default";
import * as parallel from "./parallel/default";
import * as signal from "./signal/default";
import * as succeed from "./succeed/default";
import * as task from "./task/default";
import * as wait from "./wait/default";

/** Each state type's default lives next to its node (dify's folder-per-node-type); collected here. */
const BY_TYPE = { task, compensation, choice, parallel, map, wait, signal, succeed, fail } satisfies Record<
  StateType,
  { defaultState: State; idPrefix: string }
>;

/** What a state dropped from the palette starts as: just enough to show what to fill in. */
export const DEFAULT_STATES = Object.fromEntries(
  Object.entries(BY_TYPE).map(([type, d]) => [type, d.defaultState]),
) as Record<StateType, State>;

/** The id prefix of a new state of each type. */
export const ID_PREFIX = Object.fromEntries(
  Object.entries(BY_TYPE).map(([type, d]) => [type, d.idPrefix]),
) as Record<StateType, string>;
