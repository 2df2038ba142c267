import type { JsonValue, RunStatus } from "@sagaflow/shared";
import { compensatedWrite, LEDGER_FILE, ledgerUndo } from "./ledger";
import type { Random } from "./random";

/**
 * The workflows the torture runs, covering every state type, and a seeded planner that picks one per run
 * with an input, the operator calls a person would make (signals, cancel, resolve), and the status the run
 * must end in. Every outcome is decided by the input, never by timing, so a crashed run can be compared
 * with the same run uncrashed. (A run deadline's outcome does depend on wall time when steps precede it,
 * so the deadline workflow waits from its first state.)
 */

const assertTask = (
  that: string,
  transition: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  type: "task",
  action: "assert",
  params: { that, error: "CheckFailed", message: "the planned check failed" },
  idempotent: true,
  ...extra,
  ...transition,
});

const succeed = (output?: string) => ({ type: "succeed", ...(output ? { output } : {}) });

export const DEFINITIONS = {
  /** Writes, a flaky payment with retries, a check: succeeded, or compensated in reverse. */
  "torture-saga": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "pay" }),
      pay: {
        type: "task",
        action: "flaky",
        params: { failTimes: "{% $input.fails %}", output: { paid: "{% $input.amount %}" } },
        idempotent: true,
        retry: { maxAttempts: 3, backoff: "fixed", initialDelay: "10ms", retryOn: ["FlakyError"] },
        next: "w2",
      },
      ...compensatedWrite("w2", { next: "check" }),
      check: assertTask("{% $input.ok %}", { next: "w3" }),
      ...compensatedWrite("w3", { next: "done" }),
      done: succeed("{% {'paid': $steps.pay.paid, 'ok': true} %}"),
    },
  },
  /** onError continue and abort, and a catch that takes another path. */
  "torture-policies": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "soft" }),
      soft: assertTask("{% false %}", { next: "w2" }, { onError: "continue" }),
      ...compensatedWrite("w2", { next: "risky" }),
      risky: {
        type: "task",
        action: "assert",
        params: { that: "{% $not($input.catchMe) %}", error: "Caught" },
        idempotent: true,
        catch: [{ errors: ["Caught"], next: "wh" }],
        next: "hard",
      },
      ...compensatedWrite("wh", { next: "hard" }),
      hard: assertTask("{% $input.ok %}", { next: "done" }, { onError: "abort" }),
      done: succeed("{% $steps.soft %}"),
    },
  },
  /** Steps that outlive their timeout (retried once with twice the time, then failed) and one that does not. */
  "torture-timeout": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "route" }),
      route: {
        type: "choice",
        choices: [
          { when: "{% $input.slow = 'catch' %}", next: "slow" },
          { when: "{% $input.slow = 'fail' %}", next: "slow_fatal" },
        ],
        otherwise: "fast",
      },
      slow: {
        type: "task",
        action: "delay",
        params: { duration: "30s" },
        timeout: "100ms",
        idempotent: true,
        catch: [{ errors: ["Timeout"], next: "w2" }],
        next: "w2",
      },
      slow_fatal: {
        type: "task",
        action: "delay",
        params: { duration: "30s" },
        timeout: "80ms",
        idempotent: true,
        next: "w2",
      },
      fast: { type: "task", action: "delay", params: { duration: "5ms" }, idempotent: true, next: "w2" },
      ...compensatedWrite("w2", { next: "done" }),
      done: succeed(),
    },
  },
  /** A person's approval (sent at a random moment, maybe before the run waits), and a signal that times out. */
  "torture-signal": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "approve" }),
      approve: { type: "signal", signal: "approve", next: "decide" },
      decide: {
        type: "choice",
        choices: [{ when: "{% $steps.approve.ok = true %}", next: "w2" }],
        otherwise: "rejected",
      },
      ...compensatedWrite("w2", { next: "late" }),
      late: { type: "signal", signal: "late", timeout: "150ms", onTimeout: "finish", next: "finish" },
      finish: succeed("{% $steps.approve %}"),
      rejected: { type: "fail", error: "Rejected", message: "the approver said no" },
    },
  },
  /** Durable timers: a duration and an absolute time. */
  "torture-wait": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "nap" }),
      nap: { type: "wait", duration: "150ms", next: "w2" },
      ...compensatedWrite("w2", { next: "until" }),
      until: { type: "wait", until: "{% $input.until %}", next: "done" },
      done: succeed(),
    },
  },
  /**
   * Two branches with their own writes; branch a may fail at once, which compensates the rest, often while
   * a write of branch b is in flight: the engine aborts it, awaits it, and compensates it if it landed.
   */
  "torture-parallel": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "fan" }),
      fan: {
        type: "parallel",
        branches: {
          a: {
            startAt: "a_check",
            states: {
              a_check: assertTask("{% $input.aOk %}", { next: "a1" }),
              ...compensatedWrite("a1", { end: true }),
            },
          },
          b: {
            startAt: "b1",
            states: {
              ...compensatedWrite("b1", { next: "b2" }),
              ...compensatedWrite("b2", { end: true }),
            },
          },
        },
        next: "w2",
      },
      ...compensatedWrite("w2", { next: "done" }),
      done: succeed("{% $steps.fan %}"),
    },
  },
  /**
   * One iteration per item, three at a time, each with a write and a check: a failing check often cancels
   * a sibling whose write is in flight (awaited, and compensated if it landed).
   */
  "torture-map": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "each" }),
      each: {
        type: "map",
        items: "{% $input.items %}",
        maxConcurrency: 3,
        iterator: {
          startAt: "mw",
          states: {
            ...compensatedWrite("mw", { next: "mw_check" }, "{% $string($index) %}"),
            mw_check: assertTask("{% $item.ok %}", { end: true }),
          },
        },
        next: "done",
      },
      done: succeed("{% $steps.each %}"),
    },
  },
  /** A loop through a choice: one write per visit, a visit limit, a final check. */
  "torture-loop": {
    startAt: "count",
    states: {
      count: {
        type: "task",
        action: "transform",
        params: { value: "{% $exists($steps.count) ? $steps.count + 1 : 1 %}" },
        idempotent: true,
        next: "body",
      },
      ...compensatedWrite("body", { next: "more" }, "{% $string($steps.count) %}", "*"),
      body: {
        ...compensatedWrite("body", { next: "more" }, "{% $string($steps.count) %}").body,
        maxVisits: 4,
      },
      more: {
        type: "choice",
        choices: [{ when: "{% $steps.count < $input.n %}", next: "count" }],
        otherwise: "final",
      },
      final: assertTask("{% $input.ok %}", { next: "done" }),
      done: succeed("{% $steps.count %}"),
    },
  },
  /** Waits for a signal nobody sends; the harness cancels it, with or without compensation. */
  "torture-cancel": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "w2" }),
      ...compensatedWrite("w2", { next: "hold" }),
      hold: { type: "signal", signal: "never", next: "done" },
      done: succeed(),
    },
  },
  /**
   * Cancel without compensation races a write that is not idempotent and ignores aborts (actions.ts): the
   * harness cancels while `late` sleeps, then redrives the canceled run and approves it. The cancel must
   * await the write and keep it, so the redrive never writes it twice; after a kill its outcome is unknown
   * and the harness, as a person would, looks in the ledger and resolves the step or runs it again.
   */
  /** A hostile step (issue 12), chosen by the input: each fails its step with a clear error; compensated. */
  "torture-hostile": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "route" }),
      route: {
        type: "choice",
        choices: [
          { when: "{% $input.kind = 'regex' %}", next: "regex" },
          { when: "{% $input.kind = 'spin' %}", next: "spin" },
        ],
        otherwise: "hostile",
      },
      regex: {
        type: "task",
        action: "transform",
        params: { value: "{% $contains('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /^(a+)+$/) %}" },
        idempotent: true,
        next: "done",
      },
      // Fails by its own limit (payload, depth, heap), long before this timeout: the same error every time.
      hostile: {
        type: "task",
        action: "torture.hostile",
        params: { kind: "{% $input.kind %}" },
        timeout: "60s",
        idempotent: true,
        next: "done",
      },
      // Never yields: terminated at 300 ms, then 600 ms (the timeout rule), then the run compensates.
      spin: {
        type: "task",
        action: "torture.hostile",
        params: { kind: "spin" },
        timeout: "300ms",
        idempotent: true,
        next: "done",
      },
      done: succeed(),
    },
  },
  "torture-cancel-race": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "late" }),
      late: {
        type: "task",
        action: "torture.lateWrite",
        params: { database: LEDGER_FILE, state: "late", delayMs: 600 },
        compensateWith: "undo_late",
        next: "hold",
      },
      undo_late: ledgerUndo("late"),
      hold: { type: "signal", signal: "go", next: "w2" },
      ...compensatedWrite("w2", { next: "done" }),
      done: succeed(),
    },
  },
  /** A step that is not idempotent: killed in the middle, it suspends the run and the harness retries it. */
  "torture-suspend": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "pause" }),
      pause: { type: "task", action: "delay", params: { duration: "150ms" }, next: "w2" },
      ...compensatedWrite("w2", { next: "done" }),
      done: succeed(),
    },
  },
  /** A compensation that always fails: compensation_failed, then (sometimes) resolved by hand. */
  "torture-compfail": {
    startAt: "w1",
    states: {
      ...compensatedWrite("w1", { next: "w2" }),
      w2: { ...compensatedWrite("w2", { next: "boom" }).w2, compensateWith: "undo_w2_broken" },
      undo_w2_broken: {
        type: "compensation",
        action: "assert",
        params: { that: false, error: "UndoFailed", message: "this compensation always fails" },
        retry: { maxAttempts: 2, backoff: "fixed", initialDelay: "10ms" },
      },
      boom: assertTask("{% false %}", { next: "done" }),
      done: succeed(),
    },
  },
  /** A run deadline that passes while the run waits: compensated with RunTimedOut. */
  "torture-deadline": {
    timeout: "300ms",
    startAt: "hold",
    states: { hold: { type: "signal", signal: "never", next: "done" }, done: succeed() },
  },
} as const satisfies Record<string, { startAt: string; states: Record<string, unknown>; timeout?: string }>;

export type WorkflowName = keyof typeof DEFINITIONS;
export const WORKFLOWS = Object.keys(DEFINITIONS) as WorkflowName[];

export function definitionOf(name: WorkflowName): Record<string, unknown> {
  return { name, ...structuredClone(DEFINITIONS[name]) };
}

export interface SignalPlan {
  name: string;
  payload: JsonValue;
  /** Sent this long after the run started (the run may not be waiting yet: the engine keeps it). */
  afterMs: number;
}

export interface RunPlan {
  index: number;
  /** In the input: lets the harness find a run whose start call was cut off by a kill. */
  tag: string;
  workflow: WorkflowName;
  input: Record<string, JsonValue>;
  signals: SignalPlan[];
  /**
   * Canceled once it waits, with or without compensation; with `race`, without compensation while the
   * `race` state's attempt is in flight (or once it waits, when the harness missed that moment), then
   * redriven; its signals are sent only after the redrive.
   */
  cancel: { compensate: boolean; race?: string } | null;
  /** A compensation_failed run is resolved by hand (and then compensates the rest). */
  resolve: boolean;
  expect: RunStatus;
}

/** The run plans of one seed: the same seed always gives the same plans. */
export function planRuns(seed: number, count: number, random: Random): RunPlan[] {
  return Array.from({ length: count }, (_, index) => planRun(`s${seed}-r${index}`, index, random));
}

function planRun(tag: string, index: number, random: Random): RunPlan {
  const workflow = random.pick(WORKFLOWS);
  const plan: RunPlan = {
    index,
    tag,
    workflow,
    input: { tag },
    signals: [],
    cancel: null,
    resolve: false,
    expect: "succeeded",
  };
  const ok = random.chance(0.7);
  switch (workflow) {
    case "torture-saga": {
      const fails = random.int(0, 3);
      plan.input = { tag, fails, amount: random.int(1, 500), ok };
      plan.expect = fails < 3 && ok ? "succeeded" : "compensated";
      break;
    }
    case "torture-policies":
      plan.input = { tag, ok, catchMe: random.chance(0.5) };
      plan.expect = ok ? "succeeded" : "failed";
      break;
    case "torture-timeout": {
      const slow = random.pick(["fast", "catch", "fail"] as const);
      plan.input = { tag, slow };
      plan.expect = slow === "fail" ? "compensated" : "succeeded";
      break;
    }
    case "torture-signal":
      plan.signals = [{ name: "approve", payload: { ok, by: "torture" }, afterMs: random.int(0, 600) }];
      plan.expect = ok ? "succeeded" : "compensated";
      break;
    case "torture-wait":
      // A time long past fires at once; one in the future fires after it (both after any restart).
      plan.input = { tag, until: random.chance(0.5) ? "2020-01-01T00:00:00.000Z" : "{future}" };
      break;
    case "torture-parallel":
      plan.input = { tag, aOk: ok };
      plan.expect = ok ? "succeeded" : "compensated";
      break;
    case "torture-map": {
      const items = Array.from({ length: random.int(1, 4) }, () => ({ ok: random.chance(0.85) }));
      plan.input = { tag, items };
      plan.expect = items.every((item) => item.ok) ? "succeeded" : "compensated";
      break;
    }
    case "torture-loop": {
      const n = random.int(1, 5);
      plan.input = { tag, n, ok };
      plan.expect = n <= 4 && ok ? "succeeded" : "compensated";
      break;
    }
    case "torture-cancel":
      plan.cancel = { compensate: random.chance(0.5) };
      plan.expect = "canceled";
      break;
    case "torture-hostile":
      plan.input = { tag, kind: random.pick(["regex", "huge", "deep", "memory", "spin"] as const) };
      plan.expect = "compensated";
      break;
    case "torture-cancel-race":
      plan.cancel = { compensate: false, race: "late" };
      plan.signals = [{ name: "go", payload: { by: "torture" }, afterMs: 0 }];
      break;
    case "torture-suspend":
      break;
    case "torture-compfail":
      plan.resolve = random.chance(0.5);
      plan.expect = plan.resolve ? "compensated" : "compensation_failed";
      break;
    case "torture-deadline":
      plan.expect = "compensated";
      break;
  }
  return plan;
}

/** The input as sent: `{future}` becomes a time shortly after now. */
export function inputAt(plan: RunPlan, now: number): Record<string, JsonValue> {
  if (plan.input.until !== "{future}") return plan.input;
  return { ...plan.input, until: new Date(now + 400).toISOString() };
}
