import type { Diagnostic } from "../diagnostics";
import { diagnostic } from "./codes";
import {
  type DefinitionIndex,
  endsScope,
  hasState,
  type Scope,
  type StateEntry,
  transitionsOf,
} from "./scopes";

/** Flow checks: scopes that can never finish (an error), states no path reaches, and loops a run can never leave. */
export function checkReachability(index: DefinitionIndex): Diagnostic[] {
  const reached = new Set<StateEntry>();
  const found: Diagnostic[] = [];
  // Scopes come outer first, so a container's reachability is known before its branches are walked.
  for (const scope of index.scopes) {
    if (scope.container && !reached.has(scope.container)) continue;
    // Without a valid start every state would be "unreachable": the missing-start error says it all.
    if (!hasState(scope, scope.startAt)) continue;
    const graph = scopeGraph(index, scope);
    for (const entry of walk(graph, [scope.startAt])) reached.add(entry);
    for (const entry of graph.entries.values()) {
      if (entry.state.type === "compensation" || reached.has(entry)) continue;
      found.push(
        diagnostic(
          "unreachable-state",
          entry.path,
          `state "${entry.id}" is unreachable: no path leads to it`,
        ),
      );
    }
    // With no end reachable at all the whole scope is one dead loop: one error says it, not a warning per loop.
    // A reachable state with a broken or missing transition has its own error, which may be the missing end.
    const path = walk(graph, [scope.startAt]);
    if (path.some((entry) => endsScope(entry.state))) found.push(...checkLoops(graph, reached));
    else if (path.every((entry) => isWired(scope, entry))) found.push(missingEnd(scope));
  }
  return found;
}

/** Whether every transition of the state names a state of its scope, and it has at least one. */
function isWired(scope: Scope, entry: StateEntry): boolean {
  const transitions = transitionsOf(entry);
  return transitions.length > 0 && transitions.every((t) => hasState(scope, t.target));
}

/** Step Functions' MISSING_END_STATE: a run of this scope could never finish. */
function missingEnd(scope: Scope): Diagnostic {
  const where = scope.container
    ? `${scope.container.state.type === "map" ? "the iteration" : "this branch"} of "${scope.container.id}"`
    : "the workflow";
  return diagnostic(
    "missing-end-state",
    [...scope.path, "startAt"],
    `${where} can never finish: no path from its start "${scope.startAt}" reaches a succeed or fail state or one that ends (end: true)`,
    { stateId: scope.startAt },
  );
}

interface ScopeGraph {
  entries: Map<string, StateEntry>;
  /** Edges to states of the same scope (bad targets are reported elsewhere and left out). */
  edges: Map<string, string[]>;
}

function scopeGraph(index: DefinitionIndex, scope: Scope): ScopeGraph {
  const entries = new Map<string, StateEntry>();
  for (const entry of index.entries) if (entry.scope === scope) entries.set(entry.id, entry);
  const edges = new Map<string, string[]>();
  for (const [id, entry] of entries) {
    const targets = transitionsOf(entry)
      .map((transition) => transition.target)
      .filter((target) => hasState(scope, target) && scope.states[target]?.type !== "compensation");
    edges.set(id, [...new Set(targets)]);
  }
  return { entries, edges };
}

function walk(graph: ScopeGraph, from: string[]): StateEntry[] {
  const seen = new Set<string>();
  const stack = from.filter((id) => graph.entries.has(id));
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const target of graph.edges.get(id) ?? []) if (!seen.has(target)) stack.push(target);
  }
  return [...seen].map((id) => graph.entries.get(id)!);
}

/** A reachable cycle from which no state that ends the scope can be reached. */
function checkLoops(graph: ScopeGraph, reached: Set<StateEntry>): Diagnostic[] {
  const canExit = statesThatCanExit(graph);
  return stronglyConnected(graph)
    .filter((component) => {
      const first = component[0]!;
      const isCycle = component.length > 1 || (graph.edges.get(first) ?? []).includes(first);
      return isCycle && !canExit.has(first) && reached.has(graph.entries.get(first)!);
    })
    .map((component) => {
      const members = [...component].sort();
      const entry = graph.entries.get(members[0]!)!;
      const cycle = members.join(", ");
      return diagnostic(
        "loop-without-exit",
        entry.path,
        `states ${cycle} form a loop with no way to end: no path from them reaches an end, succeed or fail state`,
      );
    });
}

function statesThatCanExit(graph: ScopeGraph): Set<string> {
  const predecessors = new Map<string, string[]>();
  for (const [id, targets] of graph.edges) {
    for (const target of targets) predecessors.set(target, [...(predecessors.get(target) ?? []), id]);
  }
  const canExit = new Set<string>();
  const stack = [...graph.entries.values()]
    .filter((entry) => endsScope(entry.state))
    .map((entry) => entry.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (canExit.has(id)) continue;
    canExit.add(id);
    for (const previous of predecessors.get(id) ?? []) stack.push(previous);
  }
  return canExit;
}

/** Tarjan's algorithm, iterative so a long chain of states cannot overflow the stack. */
function stronglyConnected(graph: ScopeGraph): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of graph.entries.keys()) {
    if (order.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    order.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = graph.edges.get(frame.id) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!order.has(target)) {
          order.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ id: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, order.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === order.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component);
      }
    }
  }
  return components;
}
