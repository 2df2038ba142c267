import type { Definition, JsonValue, State, SubMachine } from "@sagaflow/shared";

/**
 * What differs between two versions of a workflow, by state id (ids are unique across a definition,
 * nested branches included): states added, removed or changed (with the fields that changed), and edges
 * (transitions, catches, compensations) added or removed. The layout is not a difference: moving a box
 * changes nothing a run does. Pure, so the designer's Compare, `sagaflow diff` and the compatibility
 * report of a move between versions read the same answer.
 */
export interface DefinitionDiff {
  same: boolean;
  /** Top-level fields that changed (startAt, timeout, inputSchema, title, description). */
  fields: string[];
  states: StateChange[];
  edges: EdgeChange[];
}

export interface StateChange {
  stateId: string;
  change: "added" | "removed" | "changed";
  /** For `changed`: the fields whose value differs (`type` when the state became another kind). */
  fields: string[];
}

export interface Edge {
  from: string;
  to: string;
  /** next, otherwise, choice[i], catch[i], onTimeout, compensateWith, branch:<name>, iterator. */
  kind: string;
}

export interface EdgeChange extends Edge {
  change: "added" | "removed";
}

const TOP_FIELDS = ["startAt", "timeout", "inputSchema", "title", "description"] as const;

export function diffDefinitions(before: Definition, after: Definition): DefinitionDiff {
  const fields = TOP_FIELDS.filter((field) => !sameJson(before[field], after[field]));
  const a = flattenStates(before);
  const b = flattenStates(after);
  const states: StateChange[] = [];
  for (const [stateId, state] of a) {
    const other = b.get(stateId);
    if (!other) states.push({ stateId, change: "removed", fields: [] });
    else {
      const changed = changedFields(state, other);
      if (changed.length > 0) states.push({ stateId, change: "changed", fields: changed });
    }
  }
  for (const stateId of b.keys()) if (!a.has(stateId)) states.push({ stateId, change: "added", fields: [] });
  const edgesA = new Map(edgesOf(before).map((edge) => [edgeKey(edge), edge]));
  const edgesB = new Map(edgesOf(after).map((edge) => [edgeKey(edge), edge]));
  const edges: EdgeChange[] = [];
  for (const [key, edge] of edgesA) if (!edgesB.has(key)) edges.push({ ...edge, change: "removed" });
  for (const [key, edge] of edgesB) if (!edgesA.has(key)) edges.push({ ...edge, change: "added" });
  return { same: fields.length === 0 && states.length === 0 && edges.length === 0, fields, states, edges };
}

/** Every state of the definition by id, nested branches and iterators included. */
export function flattenStates(definition: Pick<SubMachine, "states">): Map<string, State> {
  const states = new Map<string, State>();
  const collect = (machine: Pick<SubMachine, "states">) => {
    for (const [id, state] of Object.entries(machine.states)) {
      states.set(id, state);
      if (state.type === "parallel") for (const branch of Object.values(state.branches)) collect(branch);
      if (state.type === "map") collect(state.iterator);
    }
  };
  collect(definition);
  return states;
}

/** The arrows of the canvas: where each state can go next, and which compensation undoes it. */
export function edgesOf(definition: Definition): Edge[] {
  const edges: Edge[] = [];
  for (const [from, state] of flattenStates(definition)) {
    const add = (to: string | null | undefined, kind: string) => {
      if (to) edges.push({ from, to, kind });
    };
    if ("next" in state) add(state.next, "next");
    if (state.type === "choice") {
      for (const [i, rule] of state.choices.entries()) add(rule.next, `choice[${i}]`);
      add(state.otherwise, "otherwise");
    }
    if ("catch" in state)
      for (const [i, catcher] of (state.catch ?? []).entries()) add(catcher.next, `catch[${i}]`);
    if (state.type === "signal" && state.onTimeout !== "fail") add(state.onTimeout, "onTimeout");
    if (state.type === "task") add(state.compensateWith, "compensateWith");
    if (state.type === "parallel") {
      for (const [name, branch] of Object.entries(state.branches)) add(branch.startAt, `branch:${name}`);
    }
    if (state.type === "map") add(state.iterator.startAt, "iterator");
  }
  return edges;
}

function edgeKey(edge: Edge): string {
  return `${edge.from}\u0000${edge.kind}\u0000${edge.to}`;
}

/** Fields of one state that differ; nested states are compared on their own, so only a container's shape counts. */
function changedFields(before: State, after: State): string[] {
  if (before.type !== after.type) return ["type"];
  const a = shallow(before);
  const b = shallow(after);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => !sameJson(a[key], b[key])).sort();
}

function shallow(state: State): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...state };
  if (state.type === "parallel") {
    fields.branches = Object.fromEntries(
      Object.entries(state.branches).map(([name, branch]) => [name, branch.startAt]),
    );
  }
  if (state.type === "map") fields.iterator = state.iterator.startAt;
  return fields;
}

/** Deep equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a as JsonValue | undefined) === canonical(b as JsonValue | undefined);
}

function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
}
