import type { z } from "zod";
import { findReservedKeys } from "../definition/reserved-keys";
import { type Definition, definitionSchema } from "../definition/schema";
import type { Diagnostic } from "../diagnostics";
import { diagnostic } from "./codes";
import type { PathSegment } from "./json-path";

export type StructureResult = { definition: Definition; diagnostics: [] } | { diagnostics: Diagnostic[] };

/** Checks the shape of a definition with the zod schemas; semantics come after, on a well-formed one. */
export function checkStructure(input: unknown): StructureResult {
  // Before zod, which would drop a "__proto__" key without a word (a branch that never runs).
  const reserved = findReservedKeys(input);
  if (reserved.length > 0) {
    return {
      diagnostics: reserved.map(({ key, path }) =>
        diagnostic(
          "reserved-key",
          [...path, key],
          `"${key}" cannot be a state id, branch name or key: __proto__, constructor and prototype are ` +
            "reserved in JavaScript objects; rename it",
        ),
      ),
    };
  }
  const parsed = definitionSchema.safeParse(input);
  if (parsed.success) return { definition: parsed.data, diagnostics: [] };
  return { diagnostics: parsed.error.issues.map(issueToDiagnostic) };
}

function issueToDiagnostic(issue: z.core.$ZodIssue): Diagnostic {
  const path = issue.path.filter((key): key is PathSegment => typeof key !== "symbol");
  return diagnostic("invalid-structure", path, describeIssue(issue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
    case "invalid_type": {
      const detail = issue.message.replace(/^Invalid input: /, "");
      if (issue.path.length === 0) return `a definition must be a JSON object (${detail})`;
      if (detail.endsWith("received undefined"))
        return `required field is missing (expected ${issue.expected})`;
      return detail;
    }
    case "invalid_union": {
      if (issue.discriminator === "type" && "options" in issue && issue.options) {
        return `unknown state type; expected one of ${issue.options.join(", ")}`;
      }
      const expected = issue.errors.flatMap((errors) =>
        errors.length === 1 && errors[0]?.code === "invalid_type" ? [errors[0].expected] : [],
      );
      return expected.length === issue.errors.length && expected.length > 0
        ? `expected ${[...new Set(expected)].join(" or ")}`
        : issue.message;
    }
    case "invalid_key":
      return `invalid key: ${issue.issues.map((inner) => inner.message).join("; ")}`;
    default:
      return issue.message;
  }
}
