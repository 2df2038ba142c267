import {
  DEFINITION_DEFAULTS,
  type Definition,
  parseDuration,
  type State,
  type SubMachine,
  type TaskState,
} from "@sagaflow/shared";
import { baseTimeoutMs, planRetry, resolveRetry } from "./retry";

/**
 * The worst case of each path through a definition, computed without running it: every attempt takes
 * its whole timeout (the timeout rule's longer attempts included) and is retried while the policy allows,
 * after the longest backoff; waits take their duration, signals their timeout. A loop counts every state in
 * it at its `maxVisits`. Compensation is left out: the deadline starts it, so it runs after the deadline.
 */

export interface PathBudget {
  /** The states in order; a loop reads `(a → b → c)×10`. */
  steps: string[];
  /** Milliseconds; Infinity when a signal without timeout lies on the path. */
  worstMs: number;
  exceedsDeadline: boolean;
}

export interface TimeoutBudget {
  paths: PathBudget[];
  /** The worst path's duration (exact even when `truncated`). */
  worstMs: number;
  /** The workflow's `timeout`, when it has one. */
  deadlineMs: number | null;
  exceedsDeadline: boolean;
  /** More paths exist than `maxPaths`; `paths` lists the first ones found. */
  truncated: boolean;
  /** What the figures assume: item counts and times only known when the run happens. */
  assumptions: string[];
}

const MAX_RETRIES_WALKED = 1000;

/** The longest one task can take: each attempt runs to its timeout, then the longest backoff. */
export function taskWorstMs(state: TaskState): number {
  const policy = resolveRetry(state);
  let progress = { roundAttempts: 1, timeoutRetries: 0, timeoutMs: baseTimeoutMs(state) };
  let total = progress.timeoutMs;
  // An error the policy retries, just before the timeout, is as slow as a timeout and may be retried more.
  const retried = policy.retryOn.find((name) => name !== "*") ?? "Error";
  for (let i = 0; i < MAX_RETRIES_WALKED; i += 1) {
    const timedOut = progress.timeoutRetries < policy.onTimeout.retries;
    const error = { error: timedOut ? "Timeout" : retried, message: "" };
    const plan = planRetry(policy, progress, { error, timedOut, fatal: false }, () => 1);
    if (!plan.retry) break;
    total += plan.delayMs + plan.nextTimeoutMs;
    progress = {
      roundAttempts: progress.roundAttempts + 1,
      timeoutRetries: progress.timeoutRetries + (plan.extended ? 1 : 0),
      timeoutMs: plan.nextTimeoutMs,
    };
  }
  return total;
}

export function timeoutBudget(definition: Definition, options: { maxPaths?: number } = {}): TimeoutBudget {
  const assumptions: string[] = [];
  const top = machineBudget(definition, options.maxPaths ?? 200, assumptions);
  const deadlineMs = definition.timeout === undefined ? null : parseDuration(definition.timeout);
  const over = (ms: number) => deadlineMs !== null && ms > deadlineMs;
  return {
    paths: top.paths.map((path) => ({ ...path, exceedsDeadline: over(path.worstMs) })),
    worstMs: top.worstMs,
    deadlineMs,
    exceedsDeadline: over(top.worstMs),
    truncated: top.truncated,
    assumptions,
  };
}

interface MachineBudget {
  paths: { steps: string[]; worstMs: number }[];
  worstMs: number;
  truncated: boolean;
}

/** Paths through one state machine (the top level, a branch or an iterator) over its loops condensed. */
function machineBudget(
  machine: Pick<SubMachine, "startAt" | "states">,
  maxPaths: number,
  assumptions: string[],
): MachineBudget {
  const ids = Object.keys(machine.states);
  const stateOf = (id: string) => machine.states[id] as State;
  const components = stronglyConnected(ids, (id) => successors(stateOf(id)));
  const componentOf = new Map<string, number>();
  components.forEach((members, c) => {
    for (const id of members) componentOf.set(id, c);
  });
  const cost = new Map<string, number>();
  for (const id of ids) cost.set(id, stateWorstMs(id, stateOf(id), maxPaths, assumptions));

  const loops = components.map(
    (members) =>
      members.length > 1 || successors(stateOf(members[0] as string)).includes(members[0] as string),
  );
  const componentCost = components.map((members, c) =>
    members.reduce((sum, id) => sum + (cost.get(id) ?? 0) * (loops[c] ? visitsOf(stateOf(id)) : 1), 0),
  );
  const label = components.map((members, c) => {
    if (!loops[c]) return members[0] as string;
    // A full round visits each state once, so the most visited-bounded state bounds the rounds.
    const visits = Math.min(...members.map((id) => visitsOf(stateOf(id))));
    const ordered = ids.filter((id) => members.includes(id));
    return `(${ordered.join(" → ")})×${visits}`;
  });
  const exits = components.map((members) => {
    const out = new Set<number>();
    for (const id of ids.filter((member) => members.includes(member)))
      for (const next of successors(stateOf(id))) {
        const target = componentOf.get(next);
        if (target !== undefined && !members.includes(next)) out.add(target);
      }
    return [...out];
  });
  const ends = components.map((members) => members.some((id) => isEnd(stateOf(id))));

  // Longest path over the condensation (a DAG): exact however many paths there are.
  const longest = new Map<number, number>();
  const worstFrom = (c: number): number => {
    const known = longest.get(c);
    if (known !== undefined) return known;
    const tails = [...(ends[c] ? [0] : []), ...(exits[c]?.map(worstFrom) ?? [])];
    const worst = (componentCost[c] ?? 0) + (tails.length > 0 ? Math.max(...tails) : 0);
    longest.set(c, worst);
    return worst;
  };

  const paths: MachineBudget["paths"] = [];
  let truncated = false;
  const walk = (c: number, steps: string[], ms: number) => {
    if (paths.length >= maxPaths) {
      truncated = true;
      return;
    }
    const here = [...steps, label[c] as string];
    const total = ms + (componentCost[c] ?? 0);
    if (ends[c]) paths.push({ steps: here, worstMs: total });
    for (const next of exits[c] ?? []) walk(next, here, total);
  };
  const start = componentOf.get(machine.startAt);
  if (start === undefined) return { paths, worstMs: 0, truncated };
  walk(start, [], 0);
  return { paths, worstMs: worstFrom(start), truncated };
}

function stateWorstMs(id: string, state: State, maxPaths: number, assumptions: string[]): number {
  switch (state.type) {
    case "task":
      return taskWorstMs(state);
    case "wait":
      if (state.duration !== undefined) return parseDuration(state.duration);
      if (state.until !== undefined)
        assumptions.push(`${id} waits until a time known only at run time: counted as 0`);
      return 0;
    case "signal":
      if (state.timeout !== undefined) return parseDuration(state.timeout);
      assumptions.push(`${id} waits for "${state.signal}" with no timeout: unbounded`);
      return Number.POSITIVE_INFINITY;
    case "parallel":
      return Math.max(
        0,
        ...Object.values(state.branches).map(
          (branch) => machineBudget(branch, maxPaths, assumptions).worstMs,
        ),
      );
    case "map": {
      const iteration = machineBudget(state.iterator, maxPaths, assumptions).worstMs;
      const concurrency = state.maxConcurrency ?? DEFINITION_DEFAULTS.mapMaxConcurrency;
      if (Array.isArray(state.items)) return iteration * Math.ceil(state.items.length / concurrency);
      assumptions.push(
        `${id}: the item count is known only at run time; counted as one round of ${concurrency} item${concurrency === 1 ? "" : "s"}`,
      );
      return iteration;
    }
    default:
      return 0;
  }
}

function visitsOf(state: State): number {
  return state.maxVisits ?? DEFINITION_DEFAULTS.maxVisits;
}

/** Where a state can go next within its own machine (compensations are not part of any path). */
function successors(state: State): string[] {
  const out: string[] = [];
  if ("next" in state && state.next !== undefined) out.push(state.next);
  if ("catch" in state) for (const catcher of state.catch ?? []) out.push(catcher.next);
  if (state.type === "choice") {
    out.push(...state.choices.map((choice) => choice.next));
    if (state.otherwise !== undefined) out.push(state.otherwise);
  }
  if (state.type === "signal" && state.onTimeout !== undefined && state.onTimeout !== "fail") {
    out.push(state.onTimeout);
  }
  return [...new Set(out)];
}

/** Where a path may end: a final state, or a state with `end: true`. */
function isEnd(state: State): boolean {
  if (state.type === "succeed" || state.type === "fail") return true;
  return "end" in state && state.end === true;
}

/** Tarjan's algorithm: the loops of a machine, each a component; components come out in reverse topological order. */
function stronglyConnected(ids: string[], next: (id: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const known = new Set(ids);
  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    for (const target of next(id)) {
      if (!known.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(id, Math.min(low.get(id) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(id, Math.min(low.get(id) as number, index.get(target) as number));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      components.push(component);
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return components;
}
