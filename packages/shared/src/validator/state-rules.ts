import type { Diagnostic } from "../diagnostics";
import { diagnostic } from "./codes";
import type { DefinitionIndex, StateEntry } from "./scopes";

/** Rules about one state's own fields: a way out, a timer, branches. */
export function checkStateRules(index: DefinitionIndex): Diagnostic[] {
  return index.entries.flatMap(checkState);
}

function checkState({ id, state, path }: StateEntry): Diagnostic[] {
  const found: Diagnostic[] = [];
  switch (state.type) {
    case "task":
    case "parallel":
    case "map":
    case "wait":
    case "signal":
      if (state.next === undefined && state.end !== true) {
        found.push(
          diagnostic("no-way-out", path, `state "${id}" has no way out: give it a "next" or "end": true`),
        );
      }
      if (state.next !== undefined && state.end === true) {
        found.push(
          diagnostic("next-and-end", [...path, "end"], `state "${id}" has both "next" and "end": keep one`),
        );
      }
      break;
    case "choice":
      if (state.otherwise === undefined) {
        found.push(
          diagnostic(
            "choice-without-otherwise",
            path,
            `choice "${id}" has no "otherwise": a run where no condition holds would be stuck`,
          ),
        );
      }
      break;
    default:
      break;
  }
  if (state.type === "wait" && (state.duration === undefined) === (state.until === undefined)) {
    found.push(
      diagnostic(
        "wait-needs-one-timer",
        path,
        `wait "${id}" needs exactly one of "duration" or "until"${state.duration === undefined ? "" : ", not both"}`,
      ),
    );
  }
  if (state.type === "parallel" && Object.keys(state.branches).length === 0) {
    found.push(diagnostic("empty-parallel", [...path, "branches"], `parallel "${id}" has no branches`));
  }
  return found;
}
