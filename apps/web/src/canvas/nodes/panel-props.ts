import type { ActionCatalog, State } from "@sagaflow/shared";

/** What every state type's inspector panel receives. */
export interface PanelProps<S extends State = State> {
  id: string;
  state: S;
  update: (state: State) => void;
  /** States a transition from this one may point at (same scope, not compensation states). */
  targets: string[];
  /** Compensation states in the same scope. */
  compensations: string[];
  /** States inside this container's scopes (for a map's or branch's start). */
  scopes: Record<string, string[]>;
  catalog: ActionCatalog | undefined;
}

/** Sets or removes one optional field. */
export function patch<S extends State, K extends string>(state: S, key: K, value: unknown): State {
  const next: Record<string, unknown> = { ...state };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as State;
}
