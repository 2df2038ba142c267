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
import { localOperatorCalls, type OperatorCalls } from "../cluster/operator-call";
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

/** Operator calls reach the run wherever it executes: forwarded to its owner on a shared database (cluster/). */
const operatorOf = (ctx: Context): OperatorCalls => ctx.operator ?? localOperatorCalls(ctx.engine);

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

  /**
   * A page of the run's events, in seq order: the `limit` after `afterSeq` (default 0), or with `beforeSeq`
   * the `limit` just before it (the run view opens on the snapshot and the last page, and pages the rest
   * on demand). `nextSeq` is the afterSeq of the page after this one, `prevSeq` the beforeSeq of the one
   * before it; each is null at that end.
   */
  history: publicProcedure
    .input(
      runIdInput.extend({
        afterSeq: z.number().int().min(0).optional(),
        beforeSeq: z.number().int().min(1).optional(),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_PAGE * 2)
          .optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const run = await requireRun(ctx, input.runId);
      const limit = input.limit ?? 200;
      if (input.beforeSeq !== undefined && input.afterSeq !== undefined) {
        throw new InvalidInputError("Give afterSeq or beforeSeq, not both");
      }
      // Seqs run 1..lastSeq without gaps, so the page before `beforeSeq` starts at a known seq.
      const before = Math.min(input.beforeSeq ?? Number.POSITIVE_INFINITY, run.lastSeq + 1);
      const afterSeq =
        input.beforeSeq === undefined ? (input.afterSeq ?? 0) : Math.max(0, before - 1 - limit);
      const take = input.beforeSeq === undefined ? limit : before - 1 - afterSeq;
      const events = take > 0 ? await ctx.store.getHistory(input.runId, { afterSeq, limit: take }) : [];
      const last = events.at(-1)?.seq;
      const more = input.beforeSeq === undefined ? events.length === limit : (last ?? 0) < run.lastSeq;
      const nextSeq = more ? (last ?? null) : null;
      const first = events[0]?.seq;
      const prevSeq = first !== undefined && first > 1 ? first : null;
      return { events, nextSeq, prevSeq };
    }),

  cancel: publicProcedure
    .input(runIdInput.extend({ compensate: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await operatorOf(ctx).call({
        op: "cancel",
        runId: input.runId,
        compensate: input.compensate,
        by: ctx.by,
      });
    }),

  /**
   * Redrives a stopped run; with `version` (a number or "latest") on that version of its workflow, refused
   * (CONFLICT, the reasons in the message) unless `versionReport` says it is compatible.
   */
  resume: publicProcedure
    .input(runIdInput.extend({ version: versionInput.optional() }))
    .mutation(async ({ ctx, input }) => {
      const operator = operatorOf(ctx);
      if (input.version === undefined) return operator.call({ op: "resume", runId: input.runId, by: ctx.by });
      const { to } = await previewVersionMove(ctx.store, input.runId, latestOr(input.version));
      await operator.call({ op: "resume", runId: input.runId, by: ctx.by, version: to });
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
      const { runId, name } = input;
      await operatorOf(ctx).call({ op: "signal", runId, name, payload: input.payload ?? null, by: ctx.by });
    }),

  retryCompensation: publicProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    await operatorOf(ctx).call({ op: "retryCompensation", runId: input.runId, by: ctx.by });
  }),

  /** "Compensate now": a run that failed with onError abort (or was canceled without undoing) undoes its steps. */
  compensate: publicProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    await operatorOf(ctx).call({ op: "compensate", runId: input.runId, by: ctx.by });
  }),

  resolveStep: publicProcedure
    .input(runIdInput.extend({ output: jsonValueSchema, stateId: stateIdSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      await operatorOf(ctx).call({
        op: "resolveStep",
        runId: input.runId,
        output: input.output,
        by: ctx.by,
        ...(input.stateId ? { stateId: input.stateId } : {}),
      });
    }),

  /** Repairs a corrupt history: keeps the last good checkpoint and continues from it. */
  restore: publicProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    await operatorOf(ctx).call({ op: "restore", runId: input.runId, by: ctx.by });
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
