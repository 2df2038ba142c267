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
