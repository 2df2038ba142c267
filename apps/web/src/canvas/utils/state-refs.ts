import type { State } from "@sagaflow/shared";
import type { EdgeKind } from "../types";

/** A transition field of a state: where one edge lives in the definition. */
export interface StateRef {
  kind: EdgeKind;
  target: string;
  index?: number;
  label?: string;
}

/** Every state id a state refers to, one entry per edge, in a stable order. */
export function stateRefs(state: State): StateRef[] {
  const refs: StateRef[] = [];
  switch (state.type) {
    case "choice":
      state.choices.forEach((rule, index) => {
        refs.push({ kind: "choice", target: rule.next, index, label: rule.label ?? choiceLabel(rule.when) });
      });
      if (state.otherwise) refs.push({ kind: "otherwise", target: state.otherwise, label: "otherwise" });
      return refs;
    case "task":
    case "parallel":
    case "map":
    case "wait":
    case "signal":
      if (state.next) refs.push({ kind: "next", target: state.next });
      break;
    default:
      return refs;
  }
  if ((state.type === "task" || state.type === "parallel" || state.type === "map") && state.catch) {
    state.catch.forEach((catcher, index) => {
      refs.push({ kind: "catch", target: catcher.next, index, label: catcher.errors.join(", ") });
    });
  }
  if (state.type === "task" && typeof state.compensateWith === "string") {
    refs.push({ kind: "compensation", target: state.compensateWith, label: "compensate" });
  }
  if (state.type === "signal" && state.onTimeout && state.onTimeout !== "fail") {
    refs.push({ kind: "timeout", target: state.onTimeout, label: "timeout" });
  }
  return refs;
}

/** A short label for a choice rule: its expression without the `{% %}` wrapper. */
export function choiceLabel(when: string): string {
  const body = /^\{%([\s\S]*)%\}$/.exec(when.trim())?.[1]?.trim() ?? when;
  return body.length > 40 ? `${body.slice(0, 39)}…` : body;
}

/** The state with the edge of `kind`/`index` removed. */
export function removeRef(state: State, kind: EdgeKind, index?: number): State {
  switch (kind) {
    case "next": {
      if (!("next" in state)) return state;
      const { next: _next, ...rest } = state;
      return rest as State;
    }
    case "choice":
      if (state.type !== "choice") return state;
      return { ...state, choices: state.choices.filter((_, i) => i !== index) };
    case "otherwise": {
      if (state.type !== "choice") return state;
      const { otherwise: _otherwise, ...rest } = state;
      return rest;
    }
    case "catch": {
      if (!(state.type === "task" || state.type === "parallel" || state.type === "map") || !state.catch)
        return state;
      const remaining = state.catch.filter((_, i) => i !== index);
      if (remaining.length > 0) return { ...state, catch: remaining };
      const { catch: _catch, ...rest } = state;
      return rest as State;
    }
    case "compensation": {
      if (state.type !== "task") return state;
      const { compensateWith: _compensateWith, ...rest } = state;
      return rest;
    }
    case "timeout": {
      if (state.type !== "signal") return state;
      const { onTimeout: _onTimeout, ...rest } = state;
      return rest;
    }
  }
}

/** The state with every reference to `target` removed (the target was deleted). */
export function removeRefsTo(state: State, target: string): State {
  let result = state;
  // Remove from the end so indices stay valid.
  const refs = stateRefs(state).filter((ref) => ref.target === target);
  for (const ref of refs.reverse()) result = removeRef(result, ref.kind, ref.index);
  return result;
}

/** The state with every reference to `from` pointing at `to` instead (a rename). */
export function renameRefs(state: State, from: string, to: string): State {
  const swap = (id: string): string => (id === from ? to : id);
  switch (state.type) {
    case "choice":
      return {
        ...state,
        choices: state.choices.map((rule) => ({ ...rule, next: swap(rule.next) })),
        ...(state.otherwise !== undefined ? { otherwise: swap(state.otherwise) } : {}),
      };
    case "task":
    case "parallel":
    case "map":
    case "wait":
    case "signal": {
      let next: State = { ...state };
      if (state.next !== undefined) next = { ...next, next: swap(state.next) } as State;
      if ((next.type === "task" || next.type === "parallel" || next.type === "map") && next.catch) {
        next = { ...next, catch: next.catch.map((c) => ({ ...c, next: swap(c.next) })) };
      }
      if (next.type === "task" && typeof next.compensateWith === "string") {
        next = { ...next, compensateWith: swap(next.compensateWith) };
      }
      if (next.type === "signal" && next.onTimeout && next.onTimeout !== "fail") {
        next = { ...next, onTimeout: swap(next.onTimeout) };
      }
      if (next.type === "parallel") {
        const branches = Object.fromEntries(
          Object.entries(next.branches).map(([name, b]) => [name, { ...b, startAt: swap(b.startAt) }]),
        );
        next = { ...next, branches };
      }
      if (next.type === "map")
        next = { ...next, iterator: { ...next.iterator, startAt: swap(next.iterator.startAt) } };
      return next;
    }
    default:
      return state;
  }
}
