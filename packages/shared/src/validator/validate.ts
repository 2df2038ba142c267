import type { Definition } from "../definition/schema";
import type { ActionCatalog, Diagnostic } from "../diagnostics";
import { checkActions } from "./actions";
import { diagnostic } from "./codes";
import { checkExpressions } from "./expressions";
import { checkInputSchema } from "./input-schema";
import { checkReachability } from "./reachability";
import { checkReferences } from "./references";
import { indexDefinition } from "./scopes";
import { checkStateRules } from "./state-rules";
import { checkStructure } from "./structure";

export interface ValidateOptions {
  /** The actions a run may use; without it, action names and params are not checked. */
  actions?: ActionCatalog;
}

export interface ValidationResult {
  /** The parsed definition, when its structure is sound (even if it has semantic errors). */
  definition?: Definition;
  /** Errors first, then warnings; each group in definition order. */
  diagnostics: Diagnostic[];
  /** No errors (warnings allowed). */
  ok: boolean;
}

/**
 * Validates a definition (SPEC §2): its structure with zod, then its meaning. Pure, and never throws:
 * whatever the input, the answer is a list of diagnostics.
 */
export function validateDefinition(input: unknown, options: ValidateOptions = {}): ValidationResult {
  try {
    const structure = checkStructure(input);
    if (!("definition" in structure)) return result(undefined, structure.diagnostics);
    const { definition } = structure;
    const index = indexDefinition(definition);
    return result(definition, [
      ...checkReferences(index),
      ...checkStateRules(index),
      ...checkExpressions(index),
      ...checkActions(index, options.actions),
      ...checkInputSchema(definition),
      ...checkReachability(index),
    ]);
  } catch (error) {
    // A bug in the validator, or input no JSON can produce (cycles, throwing getters): report, never throw.
    const reason = error instanceof Error ? error.message : String(error);
    return result(undefined, [
      diagnostic("internal-error", [], `the definition could not be validated: ${reason}`),
    ]);
  }
}

function result(definition: Definition | undefined, diagnostics: Diagnostic[]): ValidationResult {
  const sorted = [
    ...diagnostics.filter((d) => d.severity === "error"),
    ...diagnostics.filter((d) => d.severity === "warning"),
  ];
  const ok = sorted.every((d) => d.severity !== "error");
  return definition ? { definition, diagnostics: sorted, ok } : { diagnostics: sorted, ok };
}
