import type { Definition, State } from "../definition/schema";
import type { PathSegment } from "./json-path";

/**
 * A state machine's scope: the definition itself, a parallel branch or a map iterator.
 * Transitions stay inside their scope; state ids are unique across all of them.
 */
export interface Scope {
  /** Path of the object holding `startAt` and `states`. */
  path: PathSegment[];
  startAt: string;
  states: Record<string, State>;
  /** The parallel/map state this scope belongs to; absent for the definition's own scope. */
  container?: StateEntry;
}

export interface StateEntry {
  id: string;
  state: State;
  path: PathSegment[];
  scope: Scope;
}

export interface DefinitionIndex {
  scopes: Scope[];
  /** Every state, outer scopes first. */
  entries: StateEntry[];
  /** First state with each id (duplicates are reported, not indexed). */
  byId: Map<string, StateEntry>;
}

export function indexDefinition(definition: Definition): DefinitionIndex {
  const index: DefinitionIndex = { scopes: [], entries: [], byId: new Map() };
  addScope(index, { path: [], startAt: definition.startAt, states: definition.states });
  return index;
}

function addScope(index: DefinitionIndex, scope: Scope): void {
  index.scopes.push(scope);
  const entries = Object.entries(scope.states).map(
    ([id, state]): StateEntry => ({ id, state, path: [...scope.path, "states", id], scope }),
  );
  for (const entry of entries) {
    index.entries.push(entry);
    if (!index.byId.has(entry.id)) index.byId.set(entry.id, entry);
  }
  for (const entry of entries) {
    for (const child of childScopes(entry)) addScope(index, child);
  }
}

function childScopes(entry: StateEntry): Scope[] {
  const { state, path } = entry;
  if (state.type === "parallel") {
    return Object.entries(state.branches).map(([name, branch]) => ({
      path: [...path, "branches", name],
      startAt: branch.startAt,
      states: branch.states,
      container: entry,
    }));
  }
  if (state.type === "map") {
    const { startAt, states } = state.iterator;
    return [{ path: [...path, "iterator"], startAt, states, container: entry }];
  }
  return [];
}

/** A `next`-like edge from one state to another of its scope. */
export interface Transition {
  target: string;
  path: PathSegment[];
}

export function transitionsOf(entry: StateEntry): Transition[] {
  const { state, path } = entry;
  const transitions: Transition[] = [];
  const add = (target: string | undefined, ...field: PathSegment[]) => {
    if (target !== undefined) transitions.push({ target, path: [...path, ...field] });
  };
  switch (state.type) {
    case "task":
    case "parallel":
    case "map":
      add(state.next, "next");
      state.catch?.forEach((catcher, i) => {
        add(catcher.next, "catch", i, "next");
      });
      break;
    case "wait":
      add(state.next, "next");
      break;
    case "signal":
      add(state.next, "next");
      if (state.onTimeout !== "fail") add(state.onTimeout, "onTimeout");
      break;
    case "choice":
      state.choices.forEach((rule, i) => {
        add(rule.next, "choices", i, "next");
      });
      add(state.otherwise, "otherwise");
      break;
    case "compensation":
    case "succeed":
    case "fail":
      break;
  }
  return transitions;
}

/** A state where its scope's run ends: nothing follows it. */
export function endsScope(state: State): boolean {
  if (state.type === "succeed" || state.type === "fail") return true;
  if (state.type === "signal" && state.onTimeout === "fail") return true;
  return "end" in state && state.end === true;
}

export function hasState(scope: Scope, id: string): boolean {
  return Object.hasOwn(scope.states, id);
}
