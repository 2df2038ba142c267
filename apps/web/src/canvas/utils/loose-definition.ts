import { type Definition, STATE_TYPES } from "@sagaflow/shared";

export type LooseResult = { ok: true; definition: Definition } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Whether a JSON value has the *shape* the canvas can draw: states with known types, branches and
 * iterators with their state maps. Half-finished states (a choice with no branches yet, an empty
 * parallel branch) pass: the live validation reports them, the canvas shows them.
 */
export function looseDefinition(value: unknown): LooseResult {
  if (!isObject(value)) return { ok: false, error: "the definition must be a JSON object" };
  if (typeof value.name !== "string") return { ok: false, error: '"name" must be a string' };
  if (value.startAt !== undefined && typeof value.startAt !== "string")
    return { ok: false, error: '"startAt" must be a string' };
  if (value.layout !== undefined && !isObject(value.layout))
    return { ok: false, error: '"layout" must be an object' };
  const problem = statesProblem(value.states, "states");
  if (problem) return { ok: false, error: problem };
  return { ok: true, definition: { ...value, startAt: value.startAt ?? "" } as Definition };
}

function statesProblem(states: unknown, path: string): string | undefined {
  if (!isObject(states)) return `"${path}" must be an object of states`;
  for (const [id, state] of Object.entries(states)) {
    const at = `${path}.${id}`;
    if (!isObject(state)) return `${at} must be an object`;
    if (!(STATE_TYPES as readonly unknown[]).includes(state.type))
      return `${at}.type must be one of ${STATE_TYPES.join(", ")}`;
    if (state.type === "choice" && !Array.isArray(state.choices)) return `${at}.choices must be a list`;
    if (
      state.type === "choice" &&
      (state.choices as unknown[]).some((c) => !isObject(c) || typeof c.next !== "string")
    ) {
      return `${at}.choices: each needs a "next"`;
    }
    if (
      state.catch !== undefined &&
      (!Array.isArray(state.catch) ||
        state.catch.some((c) => !isObject(c) || typeof c.next !== "string" || !Array.isArray(c.errors)))
    ) {
      return `${at}.catch: each needs "errors" and "next"`;
    }
    if (state.type === "parallel") {
      if (!isObject(state.branches)) return `${at}.branches must be an object`;
      for (const [name, branch] of Object.entries(state.branches)) {
        if (!isObject(branch) || typeof branch.startAt !== "string")
          return `${at}.branches.${name} needs "startAt" and "states"`;
        const inner = statesProblem(branch.states, `${at}.branches.${name}.states`);
        if (inner) return inner;
      }
    }
    if (state.type === "map") {
      if (!isObject(state.iterator) || typeof state.iterator.startAt !== "string")
        return `${at}.iterator needs "startAt" and "states"`;
      const inner = statesProblem(state.iterator.states, `${at}.iterator.states`);
      if (inner) return inner;
    }
  }
  return undefined;
}
