import type { Diagnostic } from "../diagnostics";
import { diagnostic } from "./codes";
import { formatJsonPath, type PathSegment } from "./json-path";
import { type DefinitionIndex, hasState, type Scope, transitionsOf } from "./scopes";

/** Every state id a definition mentions must name the right kind of state in the right scope. */
export function checkReferences(index: DefinitionIndex): Diagnostic[] {
  return [
    ...checkDuplicateIds(index),
    ...index.scopes.flatMap((scope) => checkStartAt(index, scope)),
    ...checkTransitions(index),
    ...checkCompensateWith(index),
    ...checkUnreferencedCompensations(index),
  ];
}

function checkDuplicateIds(index: DefinitionIndex): Diagnostic[] {
  return index.entries.flatMap((entry) => {
    const first = index.byId.get(entry.id);
    if (!first || first === entry) return [];
    return [
      diagnostic(
        "duplicate-state-id",
        entry.path,
        `state id "${entry.id}" is already used at ${formatJsonPath(first.path)}; ids must be unique across the whole definition, branches included`,
      ),
    ];
  });
}

function checkStartAt(index: DefinitionIndex, scope: Scope): Diagnostic[] {
  const path = [...scope.path, "startAt"];
  const where = scope.container ? `of "${scope.container.id}" ` : "";
  const stateId = scope.container?.id;
  const options = stateId === undefined ? {} : { stateId };
  if (!hasState(scope, scope.startAt)) {
    const elsewhere = index.byId.get(scope.startAt);
    const hint = elsewhere ? ` (it exists at ${formatJsonPath(elsewhere.path)}, outside this scope)` : "";
    return [
      diagnostic(
        "missing-start",
        path,
        `startAt ${where}names "${scope.startAt}", which is not a state here${hint}`,
        options,
      ),
    ];
  }
  if (scope.states[scope.startAt]?.type === "compensation") {
    return [
      diagnostic(
        "target-is-compensation",
        path,
        `startAt ${where}names compensation state "${scope.startAt}"; compensations run only through "compensateWith"`,
        options,
      ),
    ];
  }
  return [];
}

function checkTransitions(index: DefinitionIndex): Diagnostic[] {
  return index.entries.flatMap((entry) =>
    transitionsOf(entry).flatMap(({ target, path }) => {
      const field = describeField(path);
      if (hasState(entry.scope, target)) {
        if (entry.scope.states[target]?.type !== "compensation") return [];
        return [
          diagnostic(
            "target-is-compensation",
            path,
            `${field} of "${entry.id}" goes to compensation state "${target}"; compensations run only through "compensateWith"`,
          ),
        ];
      }
      const elsewhere = index.byId.get(target);
      if (elsewhere) {
        return [
          diagnostic(
            "cross-scope-transition",
            path,
            `${field} of "${entry.id}" goes to "${target}" at ${formatJsonPath(elsewhere.path)}, outside its own ${entry.scope.container ? `branch of "${entry.scope.container.id}"` : "scope"}; transitions cannot leave or enter a parallel branch or map iterator`,
          ),
        ];
      }
      return [
        diagnostic(
          "unknown-target",
          path,
          `${field} of "${entry.id}" goes to "${target}", which does not exist`,
        ),
      ];
    }),
  );
}

function checkCompensateWith(index: DefinitionIndex): Diagnostic[] {
  return index.entries.flatMap(({ id, state, path }) => {
    if (state.type !== "task" || state.compensateWith == null) return [];
    const target = state.compensateWith;
    const fieldPath = [...path, "compensateWith"];
    const found = index.byId.get(target);
    if (!found) {
      return [
        diagnostic(
          "unknown-target",
          fieldPath,
          `compensateWith of "${id}" names "${target}", which does not exist`,
        ),
      ];
    }
    if (found.state.type !== "compensation") {
      return [
        diagnostic(
          "not-a-compensation",
          fieldPath,
          `compensateWith of "${id}" names "${target}", a ${found.state.type} state; it must be a compensation state`,
        ),
      ];
    }
    return [];
  });
}

function checkUnreferencedCompensations(index: DefinitionIndex): Diagnostic[] {
  const referenced = new Set(
    index.entries.flatMap(({ state }) =>
      state.type === "task" && state.compensateWith != null ? [state.compensateWith] : [],
    ),
  );
  return index.entries.flatMap(({ id, state, path }) =>
    state.type === "compensation" && !referenced.has(id)
      ? [
          diagnostic(
            "unreferenced-compensation",
            path,
            `compensation "${id}" is never used: no task names it in "compensateWith"`,
          ),
        ]
      : [],
  );
}

function describeField(path: readonly PathSegment[]): string {
  const field = path[path.length - 1];
  if (field === "next" && path[path.length - 3] === "catch") return `catch[${String(path[path.length - 2])}]`;
  if (field === "next" && path[path.length - 3] === "choices")
    return `choice ${String(path[path.length - 2])}`;
  return `"${String(field)}"`;
}
