import {
  DefinitionNotFoundError,
  formatWorkflowState,
  InvalidInputError,
  previewVersionMove,
  RunNotFoundError,
  type RunRecord,
  type StoredEvent,
} from "@sagaflow/engine";
import {
  type Definition,
  jsonValueSchema,
  type RunSnapshot,
  runStatusSchema,
  stateIdSchema,
  workflowNameSchema,
} from "@sagaflow/shared";
import { TRPCError, type TRPCRouterRecord, tracked } from "@trpc/server";
import { z } from "zod";
import { toTRPCError } from "../errors";
import { streamRunEvents } from "../live/run-event-stream";
import { TRACEPARENT_PATTERN } from "../observability/trace-ids";
import { checkRunInput } from "../run-input";
import { toRunSummary } from "../run-summary";
import { type Context, publicProcedure } from "../trpc";

const traceparentOption = (traceparent: string | undefined) => (traceparent ? { traceparent } : {});

const runIdInput = z.object({ runId: z.string().min(1).max(200) });
/** A version of the run's workflow to resume on: its number, or the newest. */
const versionInput = z.union([z.number().int().min(1), z.literal("latest")]);
const latestOr = (version: number | "latest") => (version === "latest" ? undefined : version);
const MAX_PAGE = 500;

/** Reads that need the run itself; operator calls leave "no such run" to the engine (RunNotFoundError). */
async function requireRun(ctx: Context, runId: string): Promise<RunRecord> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new RunNotFoundError(runId);
  return run;
}

/** The Workflow State Format (SPEC §3); null when the checkpoint is unreadable (a corrupt snapshot). */
function describeRun(definition: Definition, run: RunRecord): string | null {
  try {
    return formatWorkflowState(definition, run as RunRecord<RunSnapshot>);
  } catch {
    return null;
  }
}

export const runsRouter = {
  /** Starts a run pinned to a version (the latest when omitted); the input must match `inputSchema`. */
  start: publicProcedure
    .input(
      z.object({
        name: workflowNameSchema,
        version: z.number().int().min(1).optional(),
        input: jsonValueSchema.optional(),
        /** Makes a retried start idempotent: the same id returns the same run and starts nothing new. */
        requestId: z.string().min(1).max(200).optional(),
        /** W3C trace context of the caller: the run's trace continues it (docs/operations.md). */
        traceparent: z
          .string()
          .regex(TRACEPARENT_PATTERN, "traceparent must be W3C trace context: 00-<32 hex>-<16 hex>-<2 hex>")
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const stored = await ctx.store.getDefinition(input.name, input.version);
      if (!stored) throw new DefinitionNotFoundError(input.name, input.version);
      if (stored.archived && input.version === undefined) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: `${input.name} is archived; unarchive it first`,
        });
      }
      const runInput = input.input ?? {};
      const check = checkRunInput(
        `${stored.name}@${stored.version}`,
        stored.definition.inputSchema,
        runInput,
      );
      if (!check.ok) {
        throw new InvalidInputError(`Invalid run input: ${check.problems.join("; ")}`);
      }
      const runId = await ctx.engine.start(
        stored,
        runInput,
        // The input's traceparent, else the request's header: either way the caller's trace goes on.
        {
          ...traceparentOption(input.traceparent ?? ctx.traceparent),
          ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
        },
      );
      return { runId };
    }),

  list: publicProcedure
    .input(
      z
        .object({
          status: z.union([runStatusSchema, z.array(runStatusSchema).max(9)]).optional(),
          workflow: workflowNameSchema.optional(),
          idPrefix: z.string().trim().min(1).max(100).optional(),
          startedAfter: z.iso.datetime({ offset: true }).optional(),
          startedBefore: z.iso.datetime({ offset: true }).optional(),
          cursor: z.string().max(500).optional(),
          limit: z.number().int().min(1).max(MAX_PAGE).optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => {
      const status = input?.status === undefined ? undefined : [input.status].flat();
      const page = await ctx.store.listRuns({
        ...(status ? { status } : {}),
        ...(input?.workflow ? { workflow: input.workflow } : {}),
        ...(input?.idPrefix ? { idPrefix: input.idPrefix } : {}),
        // Stored times are UTC ISO strings that compare as text: normalise the bounds to that form.
        ...(input?.startedAfter ? { startedAfter: new Date(input.startedAfter).toISOString() } : {}),
        ...(input?.startedBefore ? { startedBefore: new Date(input.startedBefore).toISOString() } : {}),
        ...(input?.cursor ? { cursor: input.cursor } : {}),
        limit: input?.limit ?? 50,
      });
      return { runs: page.runs.map(toRunSummary), nextCursor: page.nextCursor };
    }),

  /** The run with its snapshot, the definition version it is pinned to, and the Workflow State Format. */
  get: publicProcedure.input(runIdInput).query(async ({ ctx, input }) => {
    const run = await requireRun(ctx, input.runId);
    const stored = await ctx.store.getDefinition(run.workflow, run.version);
    return {
      run,
      definition: stored?.definition ?? null,
      stateFormat: stored ? describeRun(stored.definition, run) : null,
    };
  }),

  history: publicProcedure
    .input(
      runIdInput.extend({
        afterSeq: z.number().int().min(0).optional(),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_PAGE * 2)
          .optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      await requireRun(ctx, input.runId);
      const limit = input.limit ?? 200;
      const events = await ctx.store.getHistory(input.runId, { afterSeq: input.afterSeq ?? 0, limit });
      const nextSeq = events.length === limit ? (events.at(-1)?.seq ?? null) : null;
      return { events, nextSeq };
    }),

  cancel: publicProcedure
    .input(runIdInput.extend({ compensate: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.engine.cancel(input.runId, { compensate: input.compensate, by: ctx.by });
    }),

  /**
   * Redrives a stopped run; with `version` (a number or "latest") on that version of its workflow, refused
   * (CONFLICT, the reasons in the message) unless `versionReport` says it is compatible.
   */
  resume: publicProcedure
    .input(runIdInput.extend({ version: versionInput.optional() }))
    .mutation(async ({ ctx, input }) => {
      if (input.version === undefined) return void (await ctx.engine.resume(input.runId, ctx.by));
      const { to } = await previewVersionMove(ctx.store, input.runId, latestOr(input.version));
      await ctx.engine.resume(input.runId, ctx.by, { version: to });
    }),

  /** What resuming on `version` (default: the latest) would do, before anything runs (core/version-compat.ts). */
  versionReport: publicProcedure
    .input(runIdInput.extend({ version: versionInput.optional() }))
    .query(async ({ ctx, input }) =>
      previewVersionMove(ctx.store, input.runId, latestOr(input.version ?? "latest")),
    ),

  signal: publicProcedure
    .input(runIdInput.extend({ name: z.string().min(1).max(200), payload: jsonValueSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.engine.signal(input.runId, input.name, input.payload ?? null, ctx.by);
    }),

  retryCompensation: publicProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    await ctx.engine.retryCompensation(input.runId, ctx.by);
  }),

  /** "Compensate now": a run that failed with onError abort (or was canceled without undoing) undoes its steps. */
  compensate: publicProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    await ctx.engine.compensate(input.runId, ctx.by);
  }),

  resolveStep: publicProcedure
    .input(runIdInput.extend({ output: jsonValueSchema, stateId: stateIdSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.engine.resolveStep(input.runId, {
        output: input.output,
        by: ctx.by,
        ...(input.stateId ? { stateId: input.stateId } : {}),
      });
    }),

  /** Repairs a corrupt history: keeps the last good checkpoint and continues from it. */
  restore: publicProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    await ctx.engine.restoreFromCheckpoint(input.runId, ctx.by);
  }),

  /**
   * One run's events: its history after `lastEventId` (a seq), then live, each as `tracked(seq)` so a
   * reconnecting EventSource resumes exactly after the last event it got.
   */
  events: publicProcedure
    .input(runIdInput.extend({ lastEventId: z.string().regex(/^\d+$/).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      // A subscription's body runs after the error middleware has returned: map here.
      if (!(await ctx.store.getRun(input.runId))) throw toTRPCError(new RunNotFoundError(input.runId));
      const afterSeq = input.lastEventId ? Number(input.lastEventId) : 0;
      const events = streamRunEvents({
        runId: input.runId,
        afterSeq,
        store: ctx.store,
        feed: ctx.feed,
        signal,
      });
      for await (const event of events) yield tracked(String(event.seq), event as StoredEvent);
    }),

  /** The runs list, live: a summary each time a run commits, and alerts as they are raised. */
  changes: publicProcedure.input(z.object({}).optional()).subscription(async function* ({ ctx, signal }) {
    for await (const change of ctx.feed.changes(signal)) yield change;
  }),
} satisfies TRPCRouterRecord;
