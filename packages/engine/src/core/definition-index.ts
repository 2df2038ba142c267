import type { Definition, State, SubMachine } from "@sagaflow/shared";

/**
 * State ids are unique across a definition, nested branches included (SPEC §2), so one flat map finds
 * any state; containers are looked up to find where a branch or iteration starts.
 */
export interface DefinitionIndex {
  definition: Definition;
  state(stateId: string): State | undefined;
  /** Where a branch (`branch` set) or an iteration of the container state starts. */
  startOf(containerStateId: string, branch?: string): string | undefined;
}

const cache = new WeakMap<Definition, DefinitionIndex>();

export function indexDefinition(definition: Definition): DefinitionIndex {
  const cached = cache.get(definition);
  if (cached) return cached;
  const states = new Map<string, State>();
  const collect = (machine: Pick<SubMachine, "states">) => {
    for (const [id, state] of Object.entries(machine.states)) {
      states.set(id, state);
      if (state.type === "parallel") for (const branch of Object.values(state.branches)) collect(branch);
      if (state.type === "map") collect(state.iterator);
    }
  };
  collect(definition);
  const index: DefinitionIndex = {
    definition,
    state: (stateId) => states.get(stateId),
    startOf: (containerStateId, branch) => {
      const container = states.get(containerStateId);
      if (container?.type === "parallel" && branch !== undefined) return container.branches[branch]?.startAt;
      if (container?.type === "map") return container.iterator.startAt;
      return undefined;
    },
  };
  cache.set(definition, index);
  return index;
}
