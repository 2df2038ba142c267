import type { Definition } from "../definition/schema";
import type { Diagnostic } from "../diagnostics";
import { diagnostic } from "./codes";
import { schemaProblem } from "./json-schema";

/** A run's input is checked against `inputSchema`, so the schema itself must compile. */
export function checkInputSchema(definition: Definition): Diagnostic[] {
  if (!definition.inputSchema) return [];
  const problem = schemaProblem(definition.inputSchema);
  return problem
    ? [
        diagnostic(
          "invalid-input-schema",
          ["inputSchema"],
          `inputSchema is not a usable JSON Schema: ${problem}`,
        ),
      ]
    : [];
}
