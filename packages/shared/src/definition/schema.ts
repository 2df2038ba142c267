import { z } from "zod";
import { durationSchema } from "./duration";
import { findReservedKeys } from "./reserved-keys";

/** Zod schemas of the definition language (SPEC §2). Structure only: semantics live in the validator. */

export const WORKFLOW_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
export const STATE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const workflowNameSchema = z
  .string()
  .regex(
    WORKFLOW_NAME_PATTERN,
    "a lowercase slug: letters, digits, '-' and '_', not starting with '-' or '_'",
  );
export const stateIdSchema = z
  .string()
  .regex(STATE_ID_PATTERN, "a state id: letters, digits and '_', not starting with a digit");

const anyJsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(anyJsonValue),
    z.record(z.string(), anyJsonValue),
  ]),
);

/**
 * Any JSON value; strings of the form `{% … %}` are JSONata expressions. A reserved key (`__proto__`,
 * `constructor`, `prototype`) is refused by name with its path: zod's records would drop `__proto__`
 * without a word (reserved-keys.ts). Checked once on the raw value, before parsing.
 */
export const jsonValueSchema: z.ZodType<JsonValue> = z.preprocess((value, ctx) => {
  for (const { key, path } of findReservedKeys(value)) {
    ctx.issues.push({
      code: "custom",
      input: value,
      path: [...path, key],
      message: `the key "${key}" is reserved (__proto__, constructor and prototype cannot be used as keys); rename it`,
    });
  }
  return value;
}, anyJsonValue) as unknown as z.ZodType<JsonValue>;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const effectSchema = z.enum(["none", "write"]);
export type Effect = z.infer<typeof effectSchema>;

export const onErrorSchema = z.enum(["compensate", "abort", "continue"]);
export type OnError = z.infer<typeof onErrorSchema>;

export const retryPolicySchema = z
  .object({
    maxAttempts: z.number().int().min(1).optional(),
    backoff: z.enum(["fixed", "exponential"]).optional(),
    initialDelay: durationSchema.optional(),
    multiplier: z.number().min(1).optional(),
    maxDelay: durationSchema.optional(),
    /** true = full jitter (0–100% of the delay); a number = that fraction of the delay, randomised. */
    jitter: z.union([z.boolean(), z.number().min(0).max(1)]).optional(),
    retryOn: z.array(z.string().min(1)).optional(),
    /** The "retry once with an extended timeout" rule; attempts on top of maxAttempts. */
    onTimeout: z
      .object({ retries: z.number().int().min(0), multiplier: z.number().min(1) })
      .strict()
      .optional(),
  })
  .strict();
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const catcherSchema = z
  .object({ errors: z.array(z.string().min(1)).min(1), next: stateIdSchema })
  .strict();
export type Catcher = z.infer<typeof catcherSchema>;

const paramsSchema = z.record(z.string(), jsonValueSchema);

/** Fields every state may carry. */
const stateBase = {
  comment: z.string().optional(),
  /** Entries allowed per run (branch/iteration scoped); default 100. */
  maxVisits: z.number().int().min(1).optional(),
};

const transition = {
  next: stateIdSchema.optional(),
  end: z.literal(true).optional(),
};

export const taskStateSchema = z
  .object({
    type: z.literal("task"),
    ...stateBase,
    ...transition,
    action: z.string().min(1),
    params: paramsSchema.optional(),
    timeout: durationSchema.optional(),
    retry: retryPolicySchema.optional(),
    idempotent: z.boolean().optional(),
    effect: effectSchema.optional(),
    /** A `compensation` state id, or null to say on purpose that this write needs none. */
    compensateWith: stateIdSchema.nullable().optional(),
    onError: onErrorSchema.optional(),
    catch: z.array(catcherSchema).optional(),
  })
  .strict();

export const compensationStateSchema = z
  .object({
    type: z.literal("compensation"),
    ...stateBase,
    action: z.string().min(1),
    params: paramsSchema.optional(),
    timeout: durationSchema.optional(),
    retry: retryPolicySchema.optional(),
  })
  .strict();

export const choiceRuleSchema = z
  .object({ when: z.string().min(1), next: stateIdSchema, label: z.string().optional() })
  .strict();

export const choiceStateSchema = z
  .object({
    type: z.literal("choice"),
    ...stateBase,
    choices: z.array(choiceRuleSchema).min(1),
    otherwise: stateIdSchema.optional(),
  })
  .strict();

export const waitStateSchema = z
  .object({
    type: z.literal("wait"),
    ...stateBase,
    ...transition,
    duration: durationSchema.optional(),
    /** An expression (or literal) giving an ISO-8601 time. */
    until: z.string().min(1).optional(),
  })
  .strict();

export const signalStateSchema = z
  .object({
    type: z.literal("signal"),
    ...stateBase,
    ...transition,
    signal: z.string().min(1),
    timeout: durationSchema.optional(),
    onTimeout: z.union([z.literal("fail"), stateIdSchema]).optional(),
  })
  .strict();

export const succeedStateSchema = z
  .object({
    type: z.literal("succeed"),
    ...stateBase,
    output: jsonValueSchema.optional(),
  })
  .strict();

export const failStateSchema = z
  .object({
    type: z.literal("fail"),
    ...stateBase,
    error: z.string().optional(),
    message: z.string().optional(),
    compensate: z.boolean().optional(),
  })
  .strict();

/** A nested state machine: a parallel branch or a map iterator. */
export const subMachineSchema = z
  .object({
    startAt: stateIdSchema,
    get states() {
      return z.record(stateIdSchema, stateSchema);
    },
  })
  .strict();

export const parallelStateSchema = z
  .object({
    type: z.literal("parallel"),
    ...stateBase,
    ...transition,
    get branches() {
      return z.record(z.string().regex(STATE_ID_PATTERN, "a branch name"), subMachineSchema);
    },
    onError: onErrorSchema.optional(),
    catch: z.array(catcherSchema).optional(),
  })
  .strict();

export const mapStateSchema = z
  .object({
    type: z.literal("map"),
    ...stateBase,
    ...transition,
    /** An expression giving an array, or a literal array. */
    items: z.union([z.string().min(1), z.array(jsonValueSchema)]),
    maxConcurrency: z.number().int().min(1).optional(),
    get iterator() {
      return subMachineSchema;
    },
    onError: onErrorSchema.optional(),
    catch: z.array(catcherSchema).optional(),
  })
  .strict();

export const stateSchema = z.discriminatedUnion("type", [
  taskStateSchema,
  compensationStateSchema,
  choiceStateSchema,
  parallelStateSchema,
  mapStateSchema,
  waitStateSchema,
  signalStateSchema,
  succeedStateSchema,
  failStateSchema,
]);

export const layoutSchema = z.record(
  z.string(),
  z
    .object({
      x: z.number(),
      y: z.number(),
      width: z.number().positive().optional(),
      height: z.number().positive().optional(),
    })
    .strict(),
);

export const definitionSchema = z
  .object({
    $schema: z.string().optional(),
    name: workflowNameSchema,
    title: z.string().optional(),
    description: z.string().optional(),
    /** JSON Schema the run input is validated against. */
    inputSchema: z.record(z.string(), z.unknown()).optional(),
    /** Deadline for the whole run. */
    timeout: durationSchema.optional(),
    startAt: stateIdSchema,
    states: z.record(stateIdSchema, stateSchema),
    layout: layoutSchema.optional(),
  })
  .strict();

export type TaskState = z.infer<typeof taskStateSchema>;
export type CompensationState = z.infer<typeof compensationStateSchema>;
export type ChoiceRule = z.infer<typeof choiceRuleSchema>;
export type ChoiceState = z.infer<typeof choiceStateSchema>;
export type WaitState = z.infer<typeof waitStateSchema>;
export type SignalState = z.infer<typeof signalStateSchema>;
export type SucceedState = z.infer<typeof succeedStateSchema>;
export type FailState = z.infer<typeof failStateSchema>;
export type SubMachine = z.infer<typeof subMachineSchema>;
export type ParallelState = z.infer<typeof parallelStateSchema>;
export type MapState = z.infer<typeof mapStateSchema>;
export type State = z.infer<typeof stateSchema>;
export type StateType = State["type"];
export type Layout = z.infer<typeof layoutSchema>;
export type Definition = z.infer<typeof definitionSchema>;

export const STATE_TYPES = [
  "task",
  "compensation",
  "choice",
  "parallel",
  "map",
  "wait",
  "signal",
  "succeed",
  "fail",
] as const satisfies readonly StateType[];

/** Defaults the engine applies when a field is absent (SPEC §2). */
export const DEFINITION_DEFAULTS = {
  maxVisits: 100,
  taskTimeout: "60s",
  taskRetry: { maxAttempts: 1, backoff: "fixed", initialDelay: "1s", multiplier: 2 },
  compensationRetry: { maxAttempts: 5, backoff: "exponential", initialDelay: "1s", multiplier: 2 },
  onTimeout: { retries: 1, multiplier: 2 },
  onError: "compensate",
  mapMaxConcurrency: 1,
} as const;
