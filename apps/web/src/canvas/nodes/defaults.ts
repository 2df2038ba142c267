import type { State, StateType } from "@sagaflow/shared";

/** What a state dropped from the palette starts as: just enough to show what to fill in. */
export const DEFAULT_STATES: Record<StateType, State> = {
  task: { type: "task", action: "log", params: { message: "Hello from Sagaflow" } },
  compensation: { type: "compensation", action: "log", params: { message: "Undo" } },
  choice: { type: "choice", choices: [] },
  parallel: {
    type: "parallel",
    branches: { branch_1: { startAt: "", states: {} }, branch_2: { startAt: "", states: {} } },
  },
  map: { type: "map", items: "{% $input.items %}", iterator: { startAt: "", states: {} } },
  wait: { type: "wait", duration: "5s" },
  signal: { type: "signal", signal: "approval", timeout: "1d" },
  succeed: { type: "succeed" },
  fail: { type: "fail", error: "Failed", message: "The workflow failed" },
};

/** The id prefix of a new state of each type. */
export const ID_PREFIX: Record<StateType, string> = {
  task: "task",
  compensation: "undo",
  choice: "choice",
  parallel: "parallel",
  map: "map",
  wait: "wait",
  signal: "signal",
  succeed: "succeed",
  fail: "fail",
};
