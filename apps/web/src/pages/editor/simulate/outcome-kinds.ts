import { SIMULATED_FAILURE, type SimulatedOutcome } from "@sagaflow/engine/core";
import type { State } from "@sagaflow/shared";

/**
 * The outcomes a person picks for a state in Simulate mode, as the scenario format writes them:
 * a task or compensation succeeds (as designed, or with a given output), fails, times out, fails some
 * attempts and then succeeds, or is slow; a signal arrives (after a while) or never does.
 */

export type OutcomeKind = "design" | "output" | "fail" | "timeout" | "failTimes" | "slow" | "signal";

/** Which states take an outcome, and which kinds. Other states follow from the definition alone. */
export function kindsFor(state: State | undefined): OutcomeKind[] {
  if (state?.type === "task" || state?.type === "compensation")
    return ["design", "output", "fail", "timeout", "failTimes", "slow"];
  if (state?.type === "signal") return ["design", "signal", "timeout"];
  return [];
}

export const KIND_LABEL: Record<OutcomeKind, string> = {
  design: "As designed",
  output: "Succeeds with an output",
  fail: "Fails",
  timeout: "Times out",
  failTimes: "Fails, then succeeds",
  slow: "Is slow",
  signal: "The signal arrives",
};

export function kindOf(outcome: SimulatedOutcome | undefined): OutcomeKind {
  if (!outcome) return "design";
  if (outcome.signal !== undefined) return "signal";
  if (outcome.failTimes !== undefined) return "failTimes";
  if (outcome.timeout) return "timeout";
  if (outcome.fail !== undefined) return "fail";
  if (outcome.output !== undefined) return "output";
  if (outcome.delay !== undefined) return "slow";
  return "design";
}

/** The outcome a kind starts as, keeping what still applies (an error name, a delay) from before. */
export function outcomeOfKind(
  kind: OutcomeKind,
  before: SimulatedOutcome | undefined,
  state: State | undefined,
): SimulatedOutcome | undefined {
  const fail = before?.fail ?? SIMULATED_FAILURE;
  switch (kind) {
    case "design":
      return undefined;
    case "output":
      return { output: before?.output ?? null };
    case "fail":
      return { fail, ...(before?.message === undefined ? {} : { message: before.message }) };
    case "timeout":
      return { timeout: true };
    case "failTimes":
      return { failTimes: before?.failTimes ?? 1, fail };
    case "slow":
      return { delay: before?.delay ?? "90s" };
    case "signal":
      return {
        signal: { name: state?.type === "signal" ? state.signal : "signal", payload: null },
        ...(before?.delay === undefined ? {} : { delay: before.delay }),
      };
  }
}

/** A few words for the chip on the canvas. */
export function describeOutcome(outcome: SimulatedOutcome): string {
  const slow = outcome.delay === undefined ? "" : ` after ${outcome.delay}`;
  switch (kindOf(outcome)) {
    case "signal":
      return `signal arrives${slow}`;
    case "failTimes":
      return `fails ${outcome.failTimes}× (${outcome.fail ?? SIMULATED_FAILURE}), then succeeds`;
    case "timeout":
      return "times out";
    case "fail":
      return `fails: ${outcome.fail}${slow}`;
    case "output":
      return `outputs ${JSON.stringify(outcome.output)}${slow}`.slice(0, 60);
    case "slow":
      return `takes ${outcome.delay}`;
    case "design":
      return "as designed";
  }
}
