import path from "node:path";
import { actionCatalog, checkOutcomes, indexDefinition } from "@sagaflow/engine";
import {
  type ActionCatalog,
  type Definition,
  durationSchema,
  jsonValueSchema,
  runStatusSchema,
  validateDefinition,
} from "@sagaflow/shared";
import { z } from "zod";
import { checkRunInput } from "../../run-input";
import { readJsonFile, UsageError } from "../args";
import type { CliIo } from "../io";
import { loadActions } from "../session";
import { formatDiagnostics } from "./validate";

/**
 * The scenario file of `sagaflow test` (issue 19): a definition, relative to the file, and scenarios that
 * each give an input, outcomes per state and what to expect. Anything wrong with it is bad input (exit 64),
 * found before any scenario runs.
 */

const outcomeSchema = z.strictObject({
  output: jsonValueSchema.optional(),
  fail: z.string().min(1).optional(),
  message: z.string().optional(),
  timeout: z.boolean().optional(),
  failTimes: z.number().int().min(0).optional(),
  delay: durationSchema.optional(),
  signal: z.strictObject({ name: z.string().min(1), payload: jsonValueSchema.optional() }).optional(),
});

const expectSchema = z.strictObject({
  status: runStatusSchema.optional(),
  output: jsonValueSchema.optional(),
  path: z.array(z.string()).optional(),
  compensated: z.array(z.string()).optional(),
  /** An error name, or `{error?, message?}` where each given field must match. */
  error: z
    .union([
      z.string().min(1),
      z.strictObject({ error: z.string().optional(), message: z.string().optional() }),
    ])
    .nullable()
    .optional(),
  visits: z.record(z.string(), z.number().int().min(0)).optional(),
});

const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  input: jsonValueSchema.optional(),
  outcomes: z.record(z.string(), outcomeSchema).optional(),
  expect: expectSchema,
});

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  definition: z.string().min(1),
  scenarios: z.array(scenarioSchema).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type Expectation = z.infer<typeof expectSchema>;

export interface LoadedScenarios {
  file: string;
  definitionFile: string;
  definition: Definition;
  catalog: ActionCatalog;
  scenarios: Scenario[];
}

/** Reads, checks and resolves a scenario file; throws UsageError with every problem found. */
export async function loadScenarios(
  file: string,
  io: CliIo,
  actionsModule?: string,
): Promise<LoadedScenarios> {
  const absolute = path.resolve(io.cwd, file);
  const parsed = fileSchema.safeParse(readJsonFile(absolute, "scenario file"));
  if (!parsed.success)
    throw new UsageError(`${file} is not a scenario file:\n${z.prettifyError(parsed.error)}`);
  const definitionFile = path.resolve(path.dirname(absolute), parsed.data.definition);
  const { definition, catalog } = await loadDefinition(definitionFile, io, actionsModule);
  const problems: string[] = [];
  const names = new Set<string>();
  for (const scenario of parsed.data.scenarios) {
    const where = `scenario "${scenario.name}"`;
    if (names.has(scenario.name)) problems.push(`${where} is named twice`);
    names.add(scenario.name);
    for (const problem of checkOutcomes(definition, scenario.outcomes ?? {}))
      problems.push(`${where}: ${problem}`);
    const input = checkRunInput(`test:${definitionFile}`, definition.inputSchema, scenario.input ?? {});
    if (!input.ok) problems.push(`${where}: invalid input: ${input.problems.join("; ")}`);
    for (const state of Object.keys(scenario.expect.visits ?? {})) {
      if (!indexDefinition(definition).state(state))
        problems.push(`${where}: expect.visits names no state "${state}"`);
    }
  }
  if (problems.length > 0) throw new UsageError(`${file}:\n  ${problems.join("\n  ")}`);
  return { file, definitionFile, definition, catalog, scenarios: parsed.data.scenarios };
}

/** The definition, validated with the built-in actions and any `--actions` module's; errors are exit 64. */
export async function loadDefinition(
  file: string,
  io: CliIo,
  actionsModule?: string,
): Promise<{ definition: Definition; catalog: ActionCatalog }> {
  const source = readJsonFile(file, "definition");
  const catalog = actionCatalog(await loadActions(actionsModule, io.cwd));
  const validation = validateDefinition(source, { actions: catalog });
  if (!validation.ok || !validation.definition) {
    const shown = path.relative(io.cwd, file) || file;
    const errors = validation.diagnostics.filter((d) => d.severity === "error");
    throw new UsageError(`the definition does not validate:\n${formatDiagnostics(shown, errors)}`);
  }
  return { definition: validation.definition, catalog };
}
