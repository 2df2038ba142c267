import type {
  CompensationEntry,
  Definition,
  RunEvent,
  RunSnapshot,
  ScopeSnapshot,
  State,
} from "@sagaflow/shared";
import { isTerminalStatus } from "@sagaflow/shared";
import { indexDefinition } from "../core/definition-index";
import type { RunRecord, StoredEvent } from "../store/types";

const HISTORY_HEAD = 3;
const HISTORY_TAIL = 8;

/**
 * The Workflow State Format of SPEC §3, the same text for the server, the web app and the command line:
 *
 *   Workflow: db-migration v3 · run 01JD6Q…
 *   Current State: validate_data (running, attempt 1)
 *   History: backup_database → apply_migration → validate_data
 *   Next: cleanup_backup | on failure: compensate
 *   Compensation Stack: apply_migration ↩ restore_backup
 *
 * Error, Compensated and Suspended lines follow when they apply. `history` (the run's events) gives the
 * full path taken; without it the snapshot's recent trail is used.
 */
export function formatWorkflowState(
  definition: Definition,
  record: RunRecord<RunSnapshot>,
  history?: readonly StoredEvent[],
): string {
  const s = record.snapshot;
  const lines = [
    `Workflow: ${record.workflow} v${record.version} · run ${record.id}`,
    `Current State: ${currentState(definition, s)}`,
    `History: ${formatPath(statesEntered(s, history))}`,
    `Next: ${nextStep(definition, s)}`,
    `Compensation Stack: ${formatStack(s.compensationStack)}`,
  ];
  const aborted = Object.values(s.inFlight).filter((attempt) => attempt.canceling);
  if (aborted.length > 0) {
    // Canceled attempts the run waits for before failing the parallel/map state or compensating.
    const awaited = aborted.map((attempt) => `${attempt.stateId} (attempt ${attempt.attempt})`);
    lines.push(`Awaiting aborted: ${awaited.join(", ")}`);
  }
  if (s.error) lines.push(`Error: ${s.error.error}: ${s.error.message}`);
  if (s.compensated.length > 0) {
    const done = s.compensated.map(
      (c) =>
        `${c.taskStateId} ↩ ${c.compensationStateId}${c.resolvedBy ? ` (resolved by ${c.resolvedBy})` : ""}`,
    );
    lines.push(`Compensated: ${done.join(", ")}`);
  }
  if (s.suspension) lines.push(`Suspended: ${s.suspension.message}`);
  return lines.join("\n");
}

/** The states entered, in order (top level and nested), from the history when given. */
export function statesEntered(snapshot: RunSnapshot, history?: readonly StoredEvent[]): string[] {
  if (!history) return snapshot.trail;
  const entered: string[] = [];
  for (const stored of history) {
    const event = stored.event as RunEvent;
    if (event.type === "StateEntered") entered.push(event.stateId);
  }
  return entered;
}

function formatPath(states: string[]): string {
  if (states.length === 0) return "(none yet)";
  if (states.length <= HISTORY_HEAD + HISTORY_TAIL + 1) return states.join(" → ");
  const skipped = states.length - HISTORY_HEAD - HISTORY_TAIL;
  return [...states.slice(0, HISTORY_HEAD), `… ${skipped} more …`, ...states.slice(-HISTORY_TAIL)].join(
    " → ",
  );
}

function formatStack(stack: CompensationEntry[]): string {
  if (stack.length === 0) return "(empty)";
  return [...stack]
    .reverse()
    .map(
      (entry) =>
        `${entry.taskStateId}${entry.visit > 1 ? `#${entry.visit}` : ""} ↩ ${entry.compensationStateId}`,
    )
    .join(", ");
}

/** Scopes where something happens now: running scopes with no running scope inside them. */
function activeLeaves(s: RunSnapshot): ScopeSnapshot[] {
  const running = Object.values(s.scopes).filter(
    (scope) => scope.status === "running" && scope.current !== null,
  );
  const parents = new Set(running.map((scope) => scope.parent));
  return running.filter((scope) => !parents.has(scope.id));
}

function label(scope: ScopeSnapshot): string {
  return scope.id === "" ? (scope.current ?? "") : `${scope.id}/${scope.current}`;
}

function currentState(definition: Definition, s: RunSnapshot): string {
  const index = indexDefinition(definition);
  if (s.status === "compensating" || s.status === "compensation_failed") {
    const top = s.compensationStack[s.compensationStack.length - 1];
    if (!top) return `(compensation finished) (${s.status})`;
    const attempt = s.compensation?.exec?.attempt ?? 0;
    const word = s.status === "compensating" ? "compensating" : "compensation failed";
    return `${top.compensationStateId} for ${top.taskStateId} (${word}${attempt > 0 ? `, attempt ${attempt}` : ""})`;
  }
  if (isTerminalStatus(s.status)) {
    const top = s.scopes[""];
    const failed = Object.values(s.scopes)
      .filter((scope) => scope.phase === "failed" && scope.current !== null)
      .sort((a, b) => b.id.length - a.id.length)[0];
    const where = failed ?? top;
    const name = where?.current === null || !where ? "(not started)" : label(where);
    return `${name} (${s.status})`;
  }
  const leaves = activeLeaves(s);
  if (leaves.length === 0) return `(starting) (${s.status})`;
  return leaves
    .map((scope) => `${label(scope)} (${describe(index.state(scope.current ?? ""), scope, s)})`)
    .join(", ");
}

function describe(state: State | undefined, scope: ScopeSnapshot, s: RunSnapshot): string {
  if (!state) return "unknown state";
  switch (state.type) {
    case "task": {
      const task = scope.task;
      if (task?.retryTimer) return `retrying after attempt ${task.attempt} failed`;
      return `running, attempt ${Math.max(1, task?.attempt ?? 1)}`;
    }
    case "wait":
      return scope.waitUntil ? `waiting until ${scope.waitUntil}` : "waiting";
    case "signal": {
      const awaited = s.awaiting[scope.id];
      return `waiting for signal "${state.signal}"${awaited?.timeoutAt ? ` until ${awaited.timeoutAt}` : ""}`;
    }
    case "map": {
      const map = scope.map;
      return map ? `running, ${map.completed}/${map.items.length} items done` : "running";
    }
    default:
      return "running";
  }
}

function nextStep(definition: Definition, s: RunSnapshot): string {
  if (s.status === "compensating" || s.status === "compensation_failed") {
    const rest = s.compensationStack.slice(0, -1).reverse();
    return rest.length === 0
      ? "end of compensation"
      : `compensate ${rest.map((e) => e.taskStateId).join(" → ")}`;
  }
  if (isTerminalStatus(s.status)) {
    if (s.status === "failed" || s.status === "suspended" || s.status === "canceled")
      return "none (resume to continue)";
    return "none";
  }
  const leaf = activeLeaves(s)[0];
  const state = leaf?.current ? indexDefinition(definition).state(leaf.current) : undefined;
  if (!state) return "—";
  return describeNext(state);
}

function describeNext(state: State): string {
  const then = "next" in state && state.next !== undefined ? state.next : "end";
  switch (state.type) {
    case "task":
    case "parallel":
    case "map": {
      const catches = (state.catch ?? []).map((c) => `${c.errors.join("/")} → ${c.next}`);
      const policy = state.onError ?? "compensate";
      const failure = catches.length > 0 ? `catch ${catches.join(", ")}, otherwise ${policy}` : policy;
      return `${then} | on failure: ${failure}`;
    }
    case "choice": {
      const rules = state.choices.map((choice) => choice.label ?? choice.next);
      return [...rules, ...(state.otherwise ? [`otherwise ${state.otherwise}`] : [])].join(" | ");
    }
    case "signal":
      return `${then} | on timeout: ${state.onTimeout ?? "fail"}`;
    case "wait":
      return then;
    default:
      return "end";
  }
}
