import { DefinitionNotFoundError, InvalidDefinitionError } from "@sagaflow/engine";
import { definitionSchema, validateDefinition, workflowNameSchema } from "@sagaflow/shared";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { type Context, publicProcedure } from "../trpc";

const nameInput = z.object({ name: workflowNameSchema });
const nameVersionInput = z.object({ name: workflowNameSchema, version: z.number().int().min(1).optional() });
/** Larger definitions than this are refused before parsing (the HTTP body limit is the outer bound). */
const MAX_IMPORT_CHARS = 900_000;

async function findDefinition(ctx: Context, name: string, version?: number) {
  const stored = await ctx.store.getDefinition(name, version);
  if (!stored) throw new DefinitionNotFoundError(name, version);
  return stored;
}

/** Validates, then stores a new immutable version; definitions with errors are refused whole. */
async function saveDefinition(ctx: Context, json: unknown) {
  const result = validateDefinition(json, { actions: ctx.catalog });
  if (!result.ok || !result.definition) {
    throw new InvalidDefinitionError(result.diagnostics);
  }
  const stored = await ctx.store.saveDefinition(result.definition, new Date().toISOString());
  return { name: stored.name, version: stored.version, diagnostics: result.diagnostics };
}

export const definitionsRouter = {
  list: publicProcedure
    .input(z.object({ includeArchived: z.boolean().optional() }).optional())
    .query(({ ctx, input }) =>
      ctx.store.listDefinitions({ includeArchived: input?.includeArchived ?? false }),
    ),

  get: publicProcedure
    .input(nameVersionInput)
    .query(({ ctx, input }) => findDefinition(ctx, input.name, input.version)),

  versions: publicProcedure.input(nameInput).query(async ({ ctx, input }) => {
    const versions = await ctx.store.listDefinitionVersions(input.name);
    if (versions.length === 0) throw new DefinitionNotFoundError(input.name);
    return versions;
  }),

  /** A query so the designer can validate as the user types; no side effects. */
  validate: publicProcedure.input(z.object({ definition: z.unknown() })).query(({ ctx, input }) => {
    const { ok, diagnostics } = validateDefinition(input.definition, { actions: ctx.catalog });
    return { ok, diagnostics };
  }),

  save: publicProcedure
    .input(z.object({ definition: z.unknown() }))
    .mutation(({ ctx, input }) => saveDefinition(ctx, input.definition)),

  archive: publicProcedure
    .input(z.object({ name: workflowNameSchema, archived: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await findDefinition(ctx, input.name);
      await ctx.store.archiveDefinition(input.name, input.archived);
    }),

  export: publicProcedure.input(nameVersionInput).query(async ({ ctx, input }) => {
    const stored = await findDefinition(ctx, input.name, input.version);
    return definitionSchema.parse(stored.definition);
  }),

  import: publicProcedure
    .input(z.object({ json: z.string().min(1).max(MAX_IMPORT_CHARS) }))
    .mutation(({ ctx, input }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(input.json);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TRPCError({ code: "BAD_REQUEST", message: `Not valid JSON: ${reason}` });
      }
      return saveDefinition(ctx, parsed);
    }),
} satisfies TRPCRouterRecord;
