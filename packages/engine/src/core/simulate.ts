import {
  type Definition,
  type Duration,
  type InFlightAttempt,
  type JsonValue,
  parseDuration,
  type RunError,
  type RunEvent,
  type RunSnapshot,
} from "@sagaflow/shared";
import { decide } from "./decide";
import { indexDefinition } from "./definition-index";
import type { Evaluator } from "./expressions";
import { toJson } from "./expressions";
import { scopePrefix } from "./names";
import type { Command, Trigger } from "./types";

/**
 * A run driven by `decide` alone: a simulated clock, scripted outcomes, no store and no I/O. This is the
 * engine's own logic (the same decide/fold as production), so what a simulation shows is what a run does.
 * Used by `sagaflow test`, the designer's Simulate mode and the core's own tests.
 */

/** How one state behaves in a simulation (SPEC §8, the scenario format). */
export interface SimulatedOutcome {
  /** Succeed with this output (instead of the stub's `null` or the pure action's result). */
  output?: JsonValue;
  /** Fail every attempt with this error name (only the first `failTimes` with `failTimes`). */
  fail?: string;
  message?: string;
  /** Every attempt times out (only the first `failTimes` with `failTimes`); a signal never arrives. */
  timeout?: boolean;
  /** Fail (or time out) this many attempts, then succeed. */
  failTimes?: number;
  /** Each attempt takes this long (simulated); a signal arrives this long after the state is entered. */
  delay?: Duration;
  /** For a signal state: this signal is delivered while the state waits. */
  signal?: { name: string; payload?: JsonValue };
}

/**
 * Outcomes by state id. `state[n]` narrows one to the nth visit (1-based) of a state, or, for a state
 * inside a map iteration, to the iteration of item n (0-based, as `$index`). The narrower key wins.
 */
export type SimulatedOutcomes = Readonly<Record<string, SimulatedOutcome>>;

/**
 * An action the simulation runs for real because it has no effect outside the process (transform, assert,
 * log, flaky, delay). It throws an Error whose `name` is the error name (`fatal: true` is never retried).
 * Passed in by the caller so the core imports no action code.
 */
export interface SimulatedAction {
  run(params: JsonValue, attempt: number): Promise<unknown>;
  /** Simulated time one attempt takes (the delay action sleeps its duration). */
  takesMs?(params: JsonValue): number;
}

export interface SimulateOptions {
  definition: Definition;
  input?: JsonValue;
  outcomes?: SimulatedOutcomes;
  /** Actions that run for real; any other action is stubbed and succeeds with `null`. */
  actions?: Readonly<Record<string, SimulatedAction>>;
  evaluate: Evaluator;
  /** Simulated start time, ms since the epoch. */
  startAt?: number;
  runId?: string;
  /** A guard against a definition that never ends (decisions, not states). */
  maxDecisions?: number;
}

/** One attempt the simulation carried out. */
export interface SimulatedCall {
  kind: "task" | "compensation";
  scope: string;
  stateId: string;
  visit: number;
  attempt: number;
  idempotencyKey: string;
  action: string;
  params: JsonValue;
  /** Stubbed (an effect, not run), real (a pure action), or scripted (an outcome said what happens). */
  ran: "stub" | "real" | "scripted";
  result: "succeeded" | "failed" | "timedOut" | "aborted";
}

export interface SimulationResult {
  snapshot: RunSnapshot;
  /** The history with the simulated time of each event: its fold is `snapshot`. */
  history: { event: RunEvent; at: string }[];
  events: RunEvent[];
  /** The states entered, in order (as `sagaflow run --json` lists them). */
  path: string[];
  /** The tasks whose compensation ran, in order, by scoped name (`price_items[1]/price_item`). */
  compensated: string[];
  calls: SimulatedCall[];
  /** Simulated time from start to the last event. */
  elapsedMs: number;
}

export class SimulationLimitError extends Error {
  override name = "SimulationLimit";
}

const DEFAULT_START = Date.parse("2030-01-01T00:00:00.000Z");
const SIMULATION_ACTOR = "simulation";
const DEFAULT_FAILURE = "SimulatedFailure";

/** Why each outcome key cannot apply: unknown states, or outcomes a state of that type cannot have. */
export function checkOutcomes(definition: Definition, outcomes: SimulatedOutcomes): string[] {
  const index = indexDefinition(definition);
  const problems: string[] = [];
  for (const [key, outcome] of Object.entries(outcomes)) {
    const parsed = parseOutcomeKey(key);
    if (!parsed) {
      problems.push(`outcome "${key}": write a state id, or a state id and [n]`);
      continue;
    }
    const state = index.state(parsed.stateId);
    if (!state) {
      problems.push(`outcome "${key}": there is no state "${parsed.stateId}"`);
      continue;
    }
    const attempts = state.type === "task" || state.type === "compensation";
    if (!attempts && state.type !== "signal") {
      problems.push(
        `outcome "${key}": "${parsed.stateId}" is a ${state.type} state; only tasks, compensations and signals take outcomes`,
      );
    } else if (
      state.type === "signal" &&
      (outcome.output !== undefined || outcome.fail !== undefined || outcome.failTimes !== undefined)
    ) {
      problems.push(`outcome "${key}": a signal state takes "signal", "timeout" or "delay"`);
    } else if (attempts && outcome.signal !== undefined) {
      problems.push(
        `outcome "${key}": "signal" is for signal states; "${parsed.stateId}" is a ${state.type}`,
      );
    }
    if (outcome.delay !== undefined) {
      try {
        parseDuration(outcome.delay);
      } catch {
        problems.push(`outcome "${key}": delay ${JSON.stringify(outcome.delay)} is not a duration`);
      }
    }
  }
  return problems;
}

function parseOutcomeKey(key: string): { stateId: string; n?: number } | undefined {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(key);
  if (!match?.[1]) return undefined;
  return match[2] === undefined ? { stateId: match[1] } : { stateId: match[1], n: Number(match[2]) };
}

/** The innermost map iteration a scope lies in (scope names end `…[index]` there, see names.ts). */
function iterationIndex(scope: string): number | undefined {
  const found = [...scope.matchAll(/\[(\d+)\]/g)].at(-1);
  return found?.[1] === undefined ? undefined : Number(found[1]);
}

function outcomeFor(
  outcomes: SimulatedOutcomes,
  stateId: string,
  scope: string,
  visit: number,
): SimulatedOutcome | undefined {
  const item = iterationIndex(scope);
  const n = item ?? visit;
  return outcomes[`${stateId}[${n}]`] ?? outcomes[stateId];
}

type Pending = { at: number; seq: number; trigger: Trigger; attemptId?: string };

/** Runs the definition to its end (or until it waits for something no outcome delivers). */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const { definition, evaluate } = options;
  const outcomes = options.outcomes ?? {};
  const actions = options.actions ?? {};
  const start = options.startAt ?? DEFAULT_START;
  const maxDecisions = options.maxDecisions ?? 100_000;
  let now = start;
  let seq = 0;
  let snapshot: RunSnapshot | undefined;
  const history: { event: RunEvent; at: string }[] = [];
  const calls: SimulatedCall[] = [];
  const callsByAttempt = new Map<string, SimulatedCall>();
  /** Attempt results and signals due at a simulated time, in the order they were scheduled. */
  const pending: Pending[] = [];
  const signalsSent = new Set<string>();
  const schedule = (at: number, trigger: Trigger, attemptId?: string) => {
    seq += 1;
    pending.push({ at, seq, trigger, ...(attemptId === undefined ? {} : { attemptId }) });
  };

  let next: Trigger | undefined = {
    type: "start",
    runId: options.runId ?? "simulated",
    workflow: definition.name,
    version: 1,
    input: options.input ?? {},
  };
  for (let decisions = 0; next; decisions += 1) {
    if (decisions >= maxDecisions) {
      throw new SimulationLimitError(`the simulation did not end within ${maxDecisions} decisions`);
    }
    const decision = await decide(definition, snapshot, next, { now, evaluate, random: () => 0.5 });
    const at = new Date(now).toISOString();
    for (const event of decision.events) history.push({ event, at });
    snapshot = decision.snapshot;
    for (const command of decision.commands) await carryOut(command);
    deliverSignals(snapshot);
    next = nextTrigger(snapshot);
  }
  if (!snapshot) throw new Error("the run never started");
  const events = history.map((entry) => entry.event);
  return {
    snapshot,
    history,
    events,
    path: events.flatMap((event) => (event.type === "StateEntered" ? [event.stateId] : [])),
    compensated: snapshot.compensated.map((record) => `${scopePrefix(record.scope)}${record.taskStateId}`),
    calls,
    elapsedMs: now - start,
  };

  /** The earliest of: a scheduled result or signal, a durable timer. Nothing left: the run rests. */
  function nextTrigger(s: RunSnapshot): Trigger | undefined {
    if (!["running", "waiting", "compensating"].includes(s.status)) return undefined;
    pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const first = pending[0];
    const timerAt = Math.min(...Object.values(s.timers).map((timer) => Date.parse(timer.fireAt)));
    if (first && first.at <= timerAt) {
      pending.shift();
      now = Math.max(now, first.at);
      if (first.attemptId !== undefined) settle(first);
      // A signal due after its state stopped waiting (the run failed meanwhile) has nobody to reach.
      if (first.trigger.type === "signal" && s.status === "compensating") return nextTrigger(s);
      return first.trigger;
    }
    if (!Number.isFinite(timerAt)) return undefined;
    now = Math.max(now, timerAt);
    return { type: "timersDue" };
  }

  function settle(entry: Pending) {
    const call = entry.attemptId === undefined ? undefined : callsByAttempt.get(entry.attemptId);
    if (!call || call.result === "aborted") return;
    const type = entry.trigger.type;
    call.result =
      type === "attemptSucceeded" ? "succeeded" : type === "attemptTimedOut" ? "timedOut" : "failed";
  }

  async function carryOut(command: Command): Promise<void> {
    if (command.type === "alert") return;
    if (command.type === "cancelAttempt") {
      const at = pending.findIndex((entry) => entry.attemptId === command.attemptId);
      if (at < 0) return;
      const [entry] = pending.splice(at, 1);
      const call = callsByAttempt.get(command.attemptId);
      if (call) call.result = "aborted";
      // An awaited abort ends the attempt now, as an action stops on its AbortSignal; a result already due
      // at this instant outran the abort and stands.
      if (command.awaitOutcome && entry) {
        if (entry.at <= now) schedule(entry.at, entry.trigger, command.attemptId);
        else {
          const error = { error: "AbortError", message: command.reason };
          const durationMs = 0;
          schedule(
            now,
            { type: "attemptFailed", attemptId: command.attemptId, error, fatal: false, durationMs },
            command.attemptId,
          );
        }
      }
      return;
    }
    await runAttempt(command.attempt);
  }

  async function runAttempt(attempt: InFlightAttempt): Promise<void> {
    const outcome = outcomeFor(outcomes, attempt.stateId, attempt.scope, attempt.visit);
    const action = actions[attempt.action];
    const call: SimulatedCall = {
      kind: attempt.kind,
      scope: attempt.scope,
      stateId: attempt.stateId,
      visit: attempt.visit,
      attempt: attempt.attempt,
      idempotencyKey: attempt.idempotencyKey,
      action: attempt.action,
      params: attempt.params,
      ran: "stub",
      result: "succeeded",
    };
    calls.push(call);
    callsByAttempt.set(attempt.id, call);
    const id = attempt.id;
    const scriptedFailure = outcome !== undefined && failsThisAttempt(outcome, attempt.attempt);
    let tookMs = outcome?.delay === undefined ? 0 : parseDuration(outcome.delay);
    let result: { ok: true; output: JsonValue } | { ok: false; error: RunError; fatal: boolean } | "timeout";
    if (scriptedFailure) {
      call.ran = "scripted";
      result = outcome.timeout
        ? "timeout"
        : {
            ok: false,
            error: {
              error: outcome.fail ?? DEFAULT_FAILURE,
              message: outcome.message ?? `simulated failure of ${attempt.stateId}`,
            },
            fatal: outcome.fail === "FatalError",
          };
    } else if (outcome?.output !== undefined) {
      call.ran = "scripted";
      result = { ok: true, output: outcome.output };
    } else if (action) {
      call.ran = "real";
      if (outcome?.delay === undefined) tookMs = action.takesMs?.(attempt.params) ?? 0;
      result = await runReal(action, attempt);
    } else {
      result = { ok: true, output: null };
    }
    if (result === "timeout" || tookMs >= attempt.timeoutMs) {
      const durationMs = attempt.timeoutMs;
      schedule(now + durationMs, { type: "attemptTimedOut", attemptId: id, durationMs }, id);
    } else if (result.ok) {
      schedule(
        now + tookMs,
        { type: "attemptSucceeded", attemptId: id, output: result.output, durationMs: tookMs },
        id,
      );
    } else {
      const { error, fatal } = result;
      schedule(now + tookMs, { type: "attemptFailed", attemptId: id, error, fatal, durationMs: tookMs }, id);
    }
  }

  /** Signal states waiting now whose outcome names a signal: it arrives after the outcome's delay. */
  function deliverSignals(s: RunSnapshot) {
    for (const awaited of Object.values(s.awaiting)) {
      const key = `${awaited.scope}|${awaited.stateId}|${awaited.visit}`;
      if (signalsSent.has(key)) continue;
      signalsSent.add(key);
      const outcome = outcomeFor(outcomes, awaited.stateId, awaited.scope, awaited.visit);
      if (!outcome?.signal || outcome.timeout) continue;
      const delayMs = outcome.delay === undefined ? 0 : parseDuration(outcome.delay);
      const { name, payload } = outcome.signal;
      schedule(now + delayMs, {
        type: "signal",
        signal: name,
        payload: payload ?? null,
        by: SIMULATION_ACTOR,
      });
    }
  }
}

function failsThisAttempt(outcome: SimulatedOutcome, attempt: number): boolean {
  if (outcome.failTimes !== undefined) return attempt <= outcome.failTimes;
  return outcome.fail !== undefined || outcome.timeout === true;
}

async function runReal(
  action: SimulatedAction,
  attempt: InFlightAttempt,
): Promise<{ ok: true; output: JsonValue } | { ok: false; error: RunError; fatal: boolean }> {
  try {
    return { ok: true, output: toJson(await action.run(attempt.params, attempt.attempt)) };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const fatal = error.name === "FatalError" || (error as { fatal?: unknown }).fatal === true;
    return { ok: false, error: { error: error.name || "Error", message: error.message }, fatal };
  }
}
