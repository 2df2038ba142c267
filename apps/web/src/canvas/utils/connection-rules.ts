import type { State } from "@sagaflow/shared";
import { EXITS } from "../nodes/handle-placement";
import type { EdgeKind, FlowNode, StateNode } from "../types";
import { isStateNode } from "../types";

/** The source handles each state type offers; the handle a user drags from decides the edge's kind. */
export const SOURCE_HANDLES: Record<string, readonly EdgeKind[]> = EXITS;

export type ConnectionVerdict = { ok: true; state: State } | { ok: false; hint: string };

export interface ConnectionRequest {
  source: string;
  target: string;
  sourceHandle: string | null | undefined;
}

/** The scope a state lives in: the id of its branch group or map, or undefined at the root. */
const scopeOf = (node: FlowNode) => node.parentId;

/**
 * Whether a drag from `sourceHandle` of one state to another makes a valid edge, and if so the source
 * state with that edge written into it. Pure, so the canvas can ask it while the user drags.
 */
export function planConnection(nodes: readonly FlowNode[], request: ConnectionRequest): ConnectionVerdict {
  const source = nodes.find((n) => n.id === request.source);
  const target = nodes.find((n) => n.id === request.target);
  if (!source || !target || !isStateNode(source) || !isStateNode(target)) {
    return { ok: false, hint: "Connect two states." };
  }
  const kind = request.sourceHandle as EdgeKind;
  if (!(SOURCE_HANDLES[source.type ?? ""] ?? []).includes(kind)) {
    return { ok: false, hint: `A ${source.type} state has no “${kind}” exit.` };
  }
  if (source.id === target.id && kind === "compensation") {
    return { ok: false, hint: "A task cannot compensate itself." };
  }
  if (kind === "compensation") {
    if (target.type !== "compensation") {
      return { ok: false, hint: "A compensation link must end on a compensation state (the purple ones)." };
    }
    if (scopeOf(source) !== scopeOf(target)) {
      return { ok: false, hint: "A compensation state must sit next to its task, in the same branch." };
    }
    return {
      ok: true,
      state: { ...(source.data.state as Extract<State, { type: "task" }>), compensateWith: target.id },
    };
  }
  if (target.type === "compensation") {
    return { ok: false, hint: "Compensation states are reached only through a task's compensation link." };
  }
  if (scopeOf(source) !== scopeOf(target)) {
    return { ok: false, hint: "Transitions stay inside their own branch or iterator." };
  }
  return { ok: true, state: withEdge(source, kind, target.id) };
}

/** The source state with a new `kind` edge to `target`: `next`-like exits are replaced, rules appended. */
function withEdge(source: StateNode, kind: EdgeKind, target: string): State {
  const state = source.data.state;
  switch (kind) {
    case "choice":
      if (state.type !== "choice") return state;
      return {
        ...state,
        choices: [
          ...state.choices,
          { when: "{% true %}", next: target, label: `branch ${state.choices.length + 1}` },
        ],
      };
    case "otherwise":
      return state.type === "choice" ? { ...state, otherwise: target } : state;
    case "catch":
      if (state.type !== "task" && state.type !== "parallel" && state.type !== "map") return state;
      return { ...state, catch: [...(state.catch ?? []), { errors: ["*"], next: target }] };
    case "timeout":
      return state.type === "signal" ? { ...state, onTimeout: target } : state;
    case "next": {
      if (!("next" in state) && !("end" in state) && !canHaveNext(state)) return state;
      const { end: _end, ...rest } = state as State & { end?: true };
      return { ...rest, next: target } as State;
    }
    default:
      return state;
  }
}

const canHaveNext = (state: State): boolean =>
  state.type === "task" ||
  state.type === "parallel" ||
  state.type === "map" ||
  state.type === "wait" ||
  state.type === "signal";
