import type { Definition } from "@sagaflow/shared";

/**
 * The workflows the benchmarks run. Every task is the built-in `transform`, so what is measured is the
 * engine and its store, not the work of an action.
 */

/** One `transform` task visited `steps` times through a choice: a long run whose snapshot stays small. */
export function loopWorkflow(steps: number, name = "bench-loop"): Definition {
  return {
    name,
    startAt: "step",
    states: {
      step: {
        type: "task",
        action: "transform",
        params: { value: "{% $exists($steps.step) ? $steps.step + 1 : 1 %}" },
        idempotent: true,
        maxVisits: steps,
        next: "more",
      },
      more: {
        type: "choice",
        maxVisits: steps,
        choices: [{ when: `{% $steps.step < ${steps} %}`, next: "step" }],
        otherwise: "done",
      },
      done: { type: "succeed" },
    },
  } as Definition;
}

/** `tasks` distinct `transform` states in a chain, each with a constant value (no expressions). */
export function chainWorkflow(tasks: number, name = `bench-chain-${tasks}`): Definition {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < tasks; i++) {
    states[`t${i}`] = {
      type: "task",
      action: "transform",
      params: { value: { i } },
      idempotent: true,
      ...(i + 1 < tasks ? { next: `t${i + 1}` } : { end: true }),
    };
  }
  return { name, startAt: "t0", states } as Definition;
}

/** Waits on a durable timer (an hour by default) before it succeeds. */
export function timerWorkflow(duration = "1h", name = "bench-timer"): Definition {
  return {
    name,
    startAt: "pause",
    states: {
      pause: { type: "wait", duration, next: "done" },
      done: { type: "succeed" },
    },
  } as Definition;
}

/** Waits for the signal "go" again and again: each `engine.signal` is one durable step. */
export function signalLoopWorkflow(steps: number, name = "bench-signal"): Definition {
  return {
    name,
    startAt: "gate",
    states: {
      // The validator refuses a workflow that can never finish: a day without a signal ends it.
      gate: {
        type: "signal",
        signal: "go",
        maxVisits: steps + 1,
        next: "gate",
        timeout: "1d",
        onTimeout: "done",
      },
      done: { type: "succeed" },
    },
  } as Definition;
}

/**
 * A task, then a step that takes an hour (a `delay`, marked idempotent so recovery re-runs it), then one
 * more: runs stopped in the middle look like runs whose process died during a step.
 */
export function midwayWorkflow(name = "bench-midway"): Definition {
  return {
    name,
    startAt: "prepare",
    states: {
      prepare: { type: "task", action: "transform", params: { value: { ready: true } }, next: "work" },
      work: {
        type: "task",
        action: "delay",
        params: { duration: "1h" },
        timeout: "2h",
        idempotent: true,
        next: "finish",
      },
      finish: { type: "task", action: "transform", params: { value: "{% $steps.prepare %}" }, end: true },
    },
  } as Definition;
}
