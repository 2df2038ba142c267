import type { Diagnostic } from "@sagaflow/shared";

/**
 * The validator speaks the definition's JSON ("next", "end": true, condition 0) for the command line and
 * the API; the designer says the same in the words its inspector shows (Next, Ends the workflow, #1).
 * The code picks the sentence; what is not mapped keeps the validator's message with JSON words swapped.
 */

const FIELD_WORDS: Record<string, string> = {
  next: "Next",
  otherwise: "Otherwise",
  onTimeout: "On timeout",
  compensateWith: "Compensate with",
  startAt: "Starts at",
  items: "Items",
  until: "Until",
  duration: "Duration",
};

/** "$.states.a.choices[1].next" → the segments after the innermost state, e.g. ["choices", "1", "next"]. */
function fieldPath(path: string): string[] {
  const segments = path
    .replace(/^\$\.?/, "")
    .split(/\.|\[|\]/)
    .filter(Boolean);
  const last = segments.lastIndexOf("states");
  return last >= 0 ? segments.slice(last + 2) : segments;
}

/** Where on the state the problem is, as the inspector names it. */
function where(path: string): string {
  const field = fieldPath(path);
  if (field[0] === "choices" && field[1] !== undefined) return `branch #${Number(field[1]) + 1}`;
  if (field[0] === "catch" && field[1] !== undefined) return `error handler #${Number(field[1]) + 1}`;
  if (field[0] === "params") return field.length > 1 ? `param ${field.slice(1).join(".")}` : "Params";
  return FIELD_WORDS[field[0] ?? ""] ?? field[0] ?? "";
}

const quoted = (text: string | undefined) => (text ? `“${text}”` : "this state");
/** The last "quoted" word of the validator's message (the target or start it names). */
const named = (message: string) => [...message.matchAll(/"([^"]+)"/g)].at(-1)?.[1];

/** Swaps the JSON words a message may still hold for the inspector's. */
function plain(message: string): string {
  return message
    .replace(/give it a "next" or "end": true/g, "pick its Next state, or tick “Ends the workflow”")
    .replace(/"end": true/g, "“Ends the workflow”")
    .replace(/"compensateWith": null/g, "“nothing to undo (on purpose)”")
    .replace(/\bcompensateWith\b/g, "Compensate with")
    .replace(/\bstartAt\b/g, "Starts at")
    .replace(/condition (\d+)/g, (_all, n: string) => `branch #${Number(n) + 1}`)
    .replace(/choice (\d+)/g, (_all, n: string) => `branch #${Number(n) + 1}`)
    .replace(/catch\[(\d+)\]/g, (_all, n: string) => `error handler #${Number(n) + 1}`);
}

function sentence(d: Diagnostic): string | undefined {
  const id = quoted(d.stateId);
  const field = fieldPath(d.path);
  switch (d.code) {
    case "invalid-structure":
      if (field.at(-1) === "startAt")
        return "No start state yet: drag a state onto the canvas (the first one starts the workflow).";
      if (field[0] === "choices" && field.length === 1)
        return `Choice ${id} has no branches yet: drag from its orange handle to the state a branch goes to, or add one in the inspector.`;
      if (field[0] === "branches" && field.length === 1)
        return `Parallel ${id} has no branches yet: add one in the inspector.`;
      return d.stateId ? `${id}, ${where(d.path) || "a field"}: ${d.message}` : undefined;
    case "missing-start":
      return `Starts at names ${quoted(named(d.message))}, which is not a state here: pick the start under “Starts at”, or use “Set as start”.`;
    case "no-way-out":
      return `${id} has nowhere to go: pick its Next state, or tick “Ends the workflow”.`;
    case "next-and-end":
      return `${id} has a Next state and “Ends the workflow” both: keep one.`;
    case "choice-without-otherwise":
      return `Choice ${id} has no Otherwise: where should a run go when no branch matches? Drag from its grey handle.`;
    case "empty-parallel":
      return `Parallel ${id} has no branches yet: add one in the inspector.`;
    case "wait-needs-one-timer":
      return `Wait ${id} needs a Duration or an Until time (one of them, not both).`;
    case "unknown-target":
      return `${where(d.path)} of ${id} goes to ${quoted(named(d.message))}, which does not exist.`;
    case "target-is-compensation":
      return `${where(d.path)} of ${id} goes to a compensation state: compensations run only when a task is undone (link them with “Compensate with”).`;
    case "cross-scope-transition":
      return `${where(d.path)} of ${id} leaves its branch: a state inside a Parallel branch or a Map can only go to states of the same branch.`;
    case "unreachable-state":
      return `Nothing leads to ${id}: connect a state to it, or delete it.`;
    case "missing-end-state":
      return "This can never finish: no path from the start reaches a Succeed or Fail state, or one that “Ends the workflow”.";
    case "loop-without-exit":
      return `${id} is in a loop with no way out: add a branch, an error handler or a timeout that leads to an end.`;
    case "unreferenced-compensation":
      return `No task uses compensation ${id}: pick it under “Compensate with” on the task it undoes.`;
    case "write-without-compensation":
      return `${id} writes but undoes nothing if a later step fails: pick its “Compensate with”, or choose “nothing to undo (on purpose)”.`;
    case "retry-non-idempotent-write":
      return `${id} retries a write but is not marked Idempotent: a retry may write twice.`;
    default:
      return undefined;
  }
}

export function inUiWords(d: Diagnostic): Diagnostic {
  return { ...d, message: sentence(d) ?? plain(d.message) };
}
