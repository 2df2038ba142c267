import type { SimulatedOutcomes, SimulationResult } from "@sagaflow/engine/core";
import type { JsonValue, RunStatus } from "@sagaflow/shared";

/**
 * A simulation saved as a scenario file of `sagaflow test` (issue 19's format): the definition next to
 * it (as the designer's Export names it), the input, the outcomes picked, and what the simulation showed
 * as the expectation. Run in CI, it fails the day the workflow stops doing this.
 */

export interface ScenarioExpectation {
  status: RunStatus;
  path: string[];
  compensated: string[];
  error: string | null;
  output?: JsonValue;
}

export interface Scenario {
  name: string;
  input: JsonValue;
  outcomes?: SimulatedOutcomes;
  expect: ScenarioExpectation;
}

export interface ScenarioFile {
  description: string;
  definition: string;
  scenarios: Scenario[];
}

/** The file name the definition is exported under, and the scenario file's own. */
export const definitionFileName = (workflow: string) => `${workflow}.json`;
export const scenarioFileName = (workflow: string) => `${workflow}.scenarios.json`;

/** A name that says what the scenario does: "ship_order fails", "the happy path". */
export function scenarioName(outcomes: SimulatedOutcomes): string {
  const parts = Object.entries(outcomes).map(([key, outcome]) => {
    if (outcome.timeout) return `${key} times out`;
    if (outcome.failTimes !== undefined) return `${key} fails ${outcome.failTimes}×`;
    if (outcome.fail !== undefined) return `${key} fails`;
    if (outcome.signal !== undefined) return `${key} gets ${outcome.signal.name}`;
    if (outcome.delay !== undefined) return `${key} takes ${outcome.delay}`;
    return `${key} outputs a value`;
  });
  return parts.length === 0 ? "as designed" : parts.join(", ");
}

export function scenarioOf(options: {
  name: string;
  input: JsonValue;
  outcomes: SimulatedOutcomes;
  result: SimulationResult;
}): Scenario {
  const { snapshot } = options.result;
  const succeeded = snapshot.status === "succeeded";
  return {
    name: options.name,
    input: options.input,
    ...(Object.keys(options.outcomes).length > 0 ? { outcomes: options.outcomes } : {}),
    expect: {
      status: snapshot.status,
      path: options.result.path,
      compensated: options.result.compensated,
      error: succeeded ? null : (snapshot.error?.error ?? null),
      ...(succeeded ? { output: snapshot.output ?? null } : {}),
    },
  };
}

export function scenarioFile(workflow: string, scenarios: Scenario[]): ScenarioFile {
  return {
    description: `Simulated in the designer. Put it next to ${definitionFileName(workflow)} (the designer's Export) and run \`sagaflow test ${scenarioFileName(workflow)}\`.`,
    definition: definitionFileName(workflow),
    scenarios,
  };
}
