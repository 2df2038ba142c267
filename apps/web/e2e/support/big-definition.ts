import type { Definition, State } from "@sagaflow/shared";

/**
 * A definition with `size` states, shaped like real sagas: a chain of tasks, every fifth with a
 * compensation, a choice every twentieth (one branch loops back), ending in succeed and fail.
 */
export function bigDefinition(size = 300): Definition {
  const states: Record<string, State> = {};
  let count = 0;
  let i = 0;
  const id = (n: number) => `step_${n}`;
  while (count < size - 2) {
    const current = id(i);
    const next = id(i + 1);
    if (i > 0 && i % 20 === 0) {
      states[current] = {
        type: "choice",
        choices: [{ when: `{% $steps.${id(i - 1)}.ok %}`, next, label: "ok" }],
        otherwise: id(i - 3),
      };
      count++;
    } else if (i % 5 === 0 && count < size - 3) {
      states[current] = {
        type: "task",
        action: "log",
        params: { message: `step ${i}` },
        next,
        compensateWith: `undo_${i}`,
        catch: [{ errors: ["*"], next: "failed" }],
      };
      states[`undo_${i}`] = { type: "compensation", action: "log", params: { message: `undo ${i}` } };
      count += 2;
    } else {
      states[current] = {
        type: "task",
        action: "log",
        params: { message: `step ${i}` },
        next,
        retry: { maxAttempts: 3 },
      };
      count++;
    }
    i++;
  }
  states[id(i)] = { type: "succeed" };
  states.failed = { type: "fail", error: "Failed" };
  return { name: `big-${size}`, title: `${size} states`, startAt: id(0), states };
}

const T = { action: "transform", params: { value: 1 } } as const;

/**
 * A chain of `size` states small enough to import at 10,000 (818 KiB, under the import limit): mostly
 * waits, a task with a compensation every tenth, a choice that loops back every 50th. No layout, so the
 * designer lays it out (in its worker) when it opens.
 */
export function compactChain(name: string, size: number): Definition {
  const states: Record<string, State> = {};
  for (let i = 0; i < size - 1; i++) {
    const next = `s${i + 1}`;
    if (i > 0 && i % 50 === 0) {
      states[`s${i}`] = { type: "choice", choices: [{ when: "{% $x %}", next }], otherwise: `s${i - 2}` };
    } else if (i % 10 === 0 && i < size - 2) {
      states[`s${i}`] = { type: "task", ...T, next, compensateWith: `u${i}` };
      states[`u${i}`] = { type: "compensation", ...T };
      i++;
      states[`s${i}`] = { type: "task", ...T, next: `s${i + 1}` };
    } else {
      states[`s${i}`] = { type: "wait", duration: "1s", next };
    }
  }
  states[`s${size - 1}`] = { type: "succeed" };
  return { name, startAt: "s0", states };
}
