import {
  compensationKey,
  idempotencyKey,
  type RunRecord,
  type StoredEvent,
  verifyHistory,
} from "@sagaflow/engine";
import {
  isTerminalStatus,
  type JsonValue,
  type RunEvent,
  type RunEventOf,
  type RunSnapshot,
} from "@sagaflow/shared";
import type { LedgerRow } from "./ledger";
import { definitionOf, type RunPlan } from "./mix";

/**
 * What must hold for every run once the torture is over, read from the engine's SQLite file and the ledger
 * file directly (not through the server): terminal, verified, exactly-once effects, compensation in reverse
 * order, timers fired once, steps never re-run after they completed, the planned status. Each check returns
 * the violations it found, as readable sentences.
 */

export interface RunEvidence {
  plan: RunPlan;
  record: RunRecord<RunSnapshot>;
  history: StoredEvent<RunEvent>[];
  ledger: LedgerRow[];
}

interface EntryRef {
  scope: string;
  taskStateId: string;
  visit: number;
}

/** The states of a workflow whose action writes the ledger: tasks, and compensations → their task. */
function ledgerStates(plan: RunPlan): { tasks: Set<string>; compensations: Set<string> } {
  const tasks = new Set<string>();
  const compensations = new Set<string>();
  const visit = (states: Record<string, Record<string, unknown>>) => {
    for (const [id, state] of Object.entries(states)) {
      if (state.action === "sql.exec" || state.action === "torture.lateWrite")
        (state.type === "task" ? tasks : compensations).add(id);
      for (const branch of Object.values((state.branches ?? {}) as Record<string, { states: never }>))
        visit(branch.states);
      const iterator = state.iterator as { states: never } | undefined;
      if (iterator) visit(iterator.states);
    }
  };
  visit(definitionOf(plan.workflow).states as Record<string, Record<string, unknown>>);
  return { tasks, compensations };
}

const eventsOf = <T extends RunEvent["type"]>(history: StoredEvent<RunEvent>[], type: T) =>
  history
    .map((stored) => stored.event)
    .filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);

const same = (a: EntryRef, b: EntryRef) =>
  a.scope === b.scope && a.taskStateId === b.taskStateId && a.visit === b.visit;
const show = (entry: EntryRef) =>
  `${entry.scope ? `${entry.scope}/` : ""}${entry.taskStateId}:${entry.visit}`;

export function checkRun(evidence: RunEvidence): string[] {
  return [
    ...checkEnded(evidence),
    ...checkVerified(evidence),
    ...checkStepsOnce(evidence),
    ...checkTimersOnce(evidence),
    ...checkCompensationOrder(evidence),
    ...checkLedger(evidence),
  ];
}

function checkEnded({ plan, record }: RunEvidence): string[] {
  const problems: string[] = [];
  const { status, snapshot } = record;
  if (!isTerminalStatus(status)) problems.push(`did not end: ${status}`);
  if (status === "suspended") {
    const reason = snapshot.suspension;
    problems.push(
      reason ? `suspended (${reason.reason}: ${reason.message})` : "suspended with no stated reason",
    );
  }
  if (status !== plan.expect) problems.push(`ended ${status}, its input says ${plan.expect}`);
  return problems;
}

function checkVerified({ record, history }: RunEvidence): string[] {
  const verdict = verifyHistory(record, history);
  return verdict.ok
    ? []
    : [`history does not verify: ${verdict.reason} (last good event ${verdict.lastGoodSeq})`];
}

/** A completed step (or one a person marked done) is never run again, and completes once. */
function checkStepsOnce({ record, history }: RunEvidence): string[] {
  const problems: string[] = [];
  const completed = new Set<string>();
  for (const { event } of history) {
    if (event.type === "StepAttemptStarted" && completed.has(event.idempotencyKey))
      problems.push(`step ${event.idempotencyKey} ran again after it completed`);
    if (event.type === "StepSucceeded" || event.type === "StepResolved") {
      const key = keyOf(record.id, event);
      if (completed.has(key)) problems.push(`step ${key} completed twice`);
      completed.add(key);
    }
  }
  return problems;
}

const keyOf = (runId: string, event: RunEventOf<"StepSucceeded"> | RunEventOf<"StepResolved">) =>
  event.type === "StepSucceeded"
    ? event.idempotencyKey
    : idempotencyKey(runId, event.scope, event.stateId, event.visit);

/** Durable timers fire once each, and only timers that were started. */
function checkTimersOnce({ history }: RunEvidence): string[] {
  const started = new Set(eventsOf(history, "TimerStarted").map((event) => event.timerId));
  const fired = new Map<string, number>();
  for (const event of eventsOf(history, "TimerFired"))
    fired.set(event.timerId, (fired.get(event.timerId) ?? 0) + 1);
  const problems: string[] = [];
  for (const [timerId, count] of fired) {
    if (count > 1) problems.push(`timer ${timerId} fired ${count} times`);
    if (!started.has(timerId)) problems.push(`timer ${timerId} fired but was never started`);
  }
  return problems;
}

/** Compensations run in the reverse order of the completions that pushed them, all of them when it ends compensated. */
function checkCompensationOrder({ record, history }: RunEvidence): string[] {
  const pushed: EntryRef[] = [];
  for (const { event } of history) {
    if ((event.type === "StepSucceeded" || event.type === "StepResolved") && event.compensateWith)
      pushed.push({ scope: event.scope, taskStateId: event.stateId, visit: event.visit });
  }
  const undone = history
    .map((stored) => stored.event)
    .filter(
      (event) => event.type === "CompensationStepSucceeded" || event.type === "CompensationStepResolved",
    );
  const expected = [...pushed].reverse();
  const problems: string[] = [];
  undone.forEach((event, index) => {
    const want = expected[index];
    if (!want || !same(event, want))
      problems.push(
        `compensation ${index + 1} undid ${show(event)}, expected ${want ? show(want) : "nothing"}`,
      );
  });
  const compensatedAll =
    record.status === "compensated" ||
    (record.status === "canceled" && eventsOf(history, "RunCanceled").some((event) => event.compensate));
  if (compensatedAll && undone.length !== pushed.length)
    problems.push(
      `ended ${record.status} after undoing ${undone.length} of ${pushed.length} completed steps`,
    );
  const ranCompensation =
    eventsOf(history, "CompensationStarted").length > 0 ||
    eventsOf(history, "RunCanceled").some((event) => event.compensate);
  if (!ranCompensation && undone.length > 0) problems.push("compensations ran without a compensation phase");
  return problems;
}

/**
 * The ledger holds one row per completed write step (tagged with that execution's idempotency key), none
 * for steps that did not complete, and exactly the rows whose compensation completed are marked, in the
 * order the history undid them, each by its own compensation's key.
 */
function checkLedger({ plan, record, history, ledger }: RunEvidence): string[] {
  const problems: string[] = [];
  const runId = record.id;
  const { tasks, compensations } = ledgerStates(plan);
  // A step a person marked done counts: the harness resolves a race's write only when its row is there.
  const completed = [...eventsOf(history, "StepSucceeded"), ...eventsOf(history, "StepResolved")]
    .filter((event) => tasks.has(event.stateId))
    .map((event) => keyOf(runId, event));
  const byKey = new Map<string, LedgerRow[]>();
  for (const row of ledger) {
    if (row.key === null) problems.push(`ledger row ${row.id} (${row.state}) has no idempotency key`);
    else byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  }
  for (const [key, rows] of byKey) {
    if (rows.length > 1) problems.push(`effect of ${key} applied ${rows.length} times`);
    if (!completed.includes(key)) problems.push(`ledger holds ${key}, a step that never completed`);
  }
  for (const key of completed) if (!byKey.has(key)) problems.push(`completed step ${key} left no ledger row`);

  const undone = eventsOf(history, "CompensationStepSucceeded").filter((event) =>
    compensations.has(event.compensationStateId),
  );
  const undoneKeys = undone.map((event) =>
    idempotencyKey(runId, event.scope, event.taskStateId, event.visit),
  );
  const marked = ledger
    .filter((row) => row.comp_seq !== null)
    .sort((a, b) => (a.comp_seq ?? 0) - (b.comp_seq ?? 0));
  const markedKeys = marked.map((row) => row.key);
  if (JSON.stringify(markedKeys) !== JSON.stringify(undoneKeys))
    problems.push(
      `ledger compensated ${JSON.stringify(markedKeys)}, the history undid ${JSON.stringify(undoneKeys)}`,
    );
  const expectedCompKeys = undone.map((event) => compensationKey(runId, event));
  const compKeys = marked.map((row) => row.comp_key);
  if (JSON.stringify(compKeys) !== JSON.stringify(expectedCompKeys))
    problems.push(
      `ledger compensation keys ${JSON.stringify(compKeys)}, expected ${JSON.stringify(expectedCompKeys)}`,
    );
  return problems;
}

/** What must not depend on crashes: the same plan gives the same fingerprint with or without kills. */
export interface Fingerprint {
  status: string;
  output: JsonValue;
  error: JsonValue;
  /** Top-level states entered, in order (branches and iterations interleave by timing, so not theirs). */
  trail: string[];
  /** Top-level compensations, in the order they ran. */
  compensated: string[];
  /** Effects left in the ledger: written and not compensated. */
  effects: string[];
}

export function fingerprint({ record, history, ledger }: RunEvidence): Fingerprint {
  // Run ids and wall-clock times differ between the two servers; nothing else may.
  const anonymous = <T>(value: T): T =>
    JSON.parse(
      JSON.stringify(value ?? null)
        .replaceAll(record.id, "<run>")
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>"),
    );
  const trail: string[] = [];
  for (const event of eventsOf(history, "StateEntered")) {
    // A step retried after an unknown outcome is entered again; the path is the same.
    if (event.scope === "" && trail[trail.length - 1] !== event.stateId) trail.push(event.stateId);
  }
  return {
    status: record.status,
    output: anonymous(record.snapshot.output),
    error: anonymous(record.snapshot.error),
    trail,
    compensated: record.snapshot.compensated
      .filter((entry) => entry.scope === "")
      .map((entry) => show(entry)),
    effects: ledger
      .filter((row) => row.comp_seq === null)
      .map((row) => `${row.state}#${row.tag}`)
      .sort(),
  };
}

export function compareFingerprints(crashed: Fingerprint, baseline: Fingerprint): string[] {
  const problems: string[] = [];
  for (const field of Object.keys(baseline) as (keyof Fingerprint)[]) {
    const a = JSON.stringify(crashed[field]);
    const b = JSON.stringify(baseline[field]);
    if (a !== b) problems.push(`${field} differs from the run without crashes: ${a} vs ${b}`);
  }
  return problems;
}
