import type { Diagnostic } from "../diagnostics";
import type { PathSegment } from "./json-path";
import { formatJsonPath, stateIdAt } from "./json-path";

/** Every diagnostic the validator reports, with its severity. Codes are stable: tools match on them. */
export const DIAGNOSTIC_SEVERITY = {
  // structure (zod)
  "invalid-structure": "error",
  "reserved-key": "error",
  // references and transitions
  "missing-start": "error",
  "unknown-target": "error",
  "cross-scope-transition": "error",
  "target-is-compensation": "error",
  "not-a-compensation": "error",
  "duplicate-state-id": "error",
  "no-way-out": "error",
  "next-and-end": "error",
  "choice-without-otherwise": "error",
  "wait-needs-one-timer": "error",
  "empty-parallel": "error",
  "missing-end-state": "error",
  // expressions
  "bad-expression": "error",
  "expression-required": "error",
  "bad-time": "error",
  // actions
  "unknown-action": "error",
  "invalid-params": "error",
  "invalid-input-schema": "error",
  // warnings
  "unreachable-state": "warning",
  "loop-without-exit": "warning",
  "write-without-compensation": "warning",
  "retry-non-idempotent-write": "warning",
  "unreferenced-compensation": "warning",
  // the validator itself failed (a bug): reported rather than thrown
  "internal-error": "error",
} as const satisfies Record<string, Diagnostic["severity"]>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_SEVERITY;
export const DIAGNOSTIC_CODES = Object.keys(DIAGNOSTIC_SEVERITY) as DiagnosticCode[];

/** A diagnostic at `path`; its state is the innermost `states.<id>` on the path unless given. */
export function diagnostic(
  code: DiagnosticCode,
  path: readonly PathSegment[],
  message: string,
  extra: { stateId?: string; position?: number } = {},
): Diagnostic {
  const stateId = extra.stateId ?? stateIdAt(path);
  return {
    severity: DIAGNOSTIC_SEVERITY[code],
    code,
    path: formatJsonPath(path),
    message,
    ...(stateId === undefined ? {} : { stateId }),
    ...(extra.position === undefined ? {} : { position: extra.position }),
  };
}
