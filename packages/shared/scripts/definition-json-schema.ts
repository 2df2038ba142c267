import { z } from "zod";
import {
  definitionSchema,
  jsonValueSchema,
  retryPolicySchema,
  stateSchema,
  subMachineSchema,
} from "../src/index";

export const SCHEMA_FILE_NAME = "sagaflow-definition.schema.json";
export const SCHEMA_ID = "https://sagaflow.dev/schemas/sagaflow-definition.schema.json";

/** The definition language as JSON Schema (draft 2020-12), with readable names for the shared parts. */
export function definitionJsonSchema(): Record<string, unknown> {
  const names = z.registry<{ id: string; title?: string; description?: string }>();
  names.add(stateSchema, { id: "State", description: "One state of a state machine (SPEC §2)." });
  names.add(subMachineSchema, { id: "SubMachine", description: "A parallel branch or a map iterator." });
  names.add(jsonValueSchema, {
    id: "JsonValue",
    description: 'Any JSON value; a string "{% … %}" is a JSONata expression.',
  });
  names.add(retryPolicySchema, { id: "RetryPolicy" });
  const schema = z.toJSONSchema(definitionSchema, { metadata: names, target: "draft-2020-12" });
  return {
    $schema: schema.$schema,
    $id: SCHEMA_ID,
    title: "Sagaflow workflow definition",
    description:
      "A workflow as a state machine with compensation steps (Sagaflow SPEC §2). Generated from the zod schemas: do not edit.",
    ...schema,
  };
}

/** The file's exact text: stable key order, two-space indent, trailing newline. */
export function definitionJsonSchemaText(): string {
  return `${JSON.stringify(definitionJsonSchema(), null, 2)}\n`;
}
