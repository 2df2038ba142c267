import type { Definition, State } from "@sagaflow/shared";

/** Every signal name a definition's `signal` states wait for, nested branches and iterators included. */
export function signalNames(definition: Definition): Set<string> {
  const names = new Set<string>();
  const visit = (states: Record<string, State>) => {
    for (const state of Object.values(states)) {
      if (state.type === "signal") names.add(state.signal);
      if (state.type === "parallel") for (const branch of Object.values(state.branches)) visit(branch.states);
      if (state.type === "map") visit(state.iterator.states);
    }
  };
  visit(definition.states);
  return names;
}
