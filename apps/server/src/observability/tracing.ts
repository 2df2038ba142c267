import {
  type Context,
  DiagLogLevel,
  diag,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type BufferConfig,
  type IdGenerator,
  RandomIdGenerator,
  type Sampler,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { applyEvent, type Logger, type RunRecord, type RunStore, type StoredEvent } from "@sagaflow/engine";
import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { readOtelConfig } from "./otel-config";
import { RUN_SPAN_KEY, type RunAfter, RunTrace, type SpanOp, type SpanStart } from "./run-trace";
import {
  attemptSpanKey,
  formatTraceparent,
  parseTraceparent,
  runTraceId,
  spanIdFor,
  type TraceParent,
} from "./trace-ids";

type Run = RunRecord<RunSnapshot>;

/**
 * OpenTelemetry traces of runs, built from the engine's committed events (RunTrace says which spans) and
 * exported over OTLP/HTTP by the official SDK. Spans are real SDK spans with explicit start and end times;
 * their ids are derived (trace-ids.ts) so a run continues its trace across restarts: a process that sees a
 * run for the first time mid-history replays the history and starts again the spans still open.
 */
export class RunTracer {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;
  readonly #ids = new PresetIdGenerator();
  readonly #runs = new Map<string, TracedRun>();
  readonly #store: Pick<RunStore, "getHistory">;
  readonly #logger: Logger;

  constructor(options: {
    url: string;
    headers: Record<string, string>;
    serviceName: string;
    sampler: Sampler;
    batch: BufferConfig;
    store: Pick<RunStore, "getHistory">;
    logger: Logger;
  }) {
    this.#store = options.store;
    this.#logger = options.logger;
    const exporter = new OTLPTraceExporter({ url: options.url, headers: options.headers });
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        [ATTR_SERVICE_VERSION]: "0.1.0",
      }),
      sampler: options.sampler,
      idGenerator: this.#ids,
      spanProcessors: [new BatchSpanProcessor(exporter, options.batch)],
    });
    this.#tracer = this.#provider.getTracer("sagaflow", "0.1.0");
  }

  /** EngineOptions.onEvent: every committed event, in order, with the run as it stands after its commit. */
  onEvent(event: StoredEvent<RunEvent>, run: Run): void {
    const after: RunAfter | undefined =
      event.seq === run.lastSeq ? { status: run.status, error: run.snapshot.error } : undefined;
    let traced = this.#runs.get(run.id);
    if (!traced) {
      traced = this.#track(run);
      if (event.seq > 1) {
        // Seen mid-history (after a restart, or a resume long after the run stopped): catch up first.
        traced.pending = [{ event, after }];
        void this.#catchUp(traced, event.seq);
        return;
      }
    }
    if (traced.pending) traced.pending.push({ event, after });
    else this.#apply(traced, event, after);
  }

  /** The traceparent an attempt sends (http.request): this run's trace, the attempt's span as parent. */
  traceparentFor(run: Run, attemptId: string): string {
    const traceId = runTraceId(run.id, run.snapshot.traceparent);
    const sampled =
      this.#runs.get(run.id)?.sampled ?? parseTraceparent(run.snapshot.traceparent)?.sampled ?? true;
    return formatTraceparent(traceId, spanIdFor(traceId, attemptSpanKey(attemptId)), sampled);
  }

  /** Exports what has ended. Spans still open are not lost: the next process starts them again. */
  async close(): Promise<void> {
    await this.#provider.shutdown();
  }

  #track(run: Run): TracedRun {
    const caller = parseTraceparent(run.snapshot.traceparent);
    const traceId = runTraceId(run.id, run.snapshot.traceparent);
    // The run's sampling decision, asked of the configured sampler once per process: a probe span that is
    // never ended (so never exported); every span of the run follows it.
    const probe = this.#startSpan(traceId, RUN_SPAN_KEY, `run ${run.workflow}`, callerContext(caller), {});
    const traced: TracedRun = {
      runId: run.id,
      trace: new RunTrace({ id: run.id, workflow: run.workflow, version: run.version }),
      traceId,
      caller,
      sampled: (probe.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
      spans: new Map(),
      pending: null,
    };
    this.#runs.set(run.id, traced);
    return traced;
  }

  async #catchUp(traced: TracedRun, beforeSeq: number): Promise<void> {
    try {
      const history = await this.#store.getHistory(traced.runId);
      let snapshot: RunSnapshot | undefined;
      for (const stored of history) {
        if (stored.seq >= beforeSeq) break;
        snapshot = applyEvent(snapshot, stored.event as RunEvent, stored.at);
        traced.trace.apply(stored as StoredEvent<RunEvent>, {
          status: snapshot.status,
          error: snapshot.error,
        });
      }
      for (const start of traced.trace.openSpans()) this.#open(traced, start);
    } catch (error) {
      this.#logger.warn(
        "tracing: could not read the run's history; spans begun before this process are lost",
        {
          runId: traced.runId,
          error: String(error),
        },
      );
    }
    const pending = traced.pending ?? [];
    traced.pending = null;
    for (const { event, after } of pending) this.#apply(traced, event, after);
  }

  #apply(traced: TracedRun, event: StoredEvent<RunEvent>, after: RunAfter | undefined): void {
    for (const op of traced.trace.apply(event, after)) this.#carryOut(traced, op);
    if (traced.trace.idle) this.#runs.delete(traced.runId);
  }

  #carryOut(traced: TracedRun, op: SpanOp): void {
    if (op.op === "start") {
      this.#open(traced, op.span);
      return;
    }
    const span = traced.spans.get(op.key);
    if (!span) return;
    if (op.op === "set") span.setAttributes(op.attributes);
    else if (op.op === "event") span.addEvent(op.name, op.attributes, new Date(op.at));
    else {
      if (op.status !== "unset") {
        span.setStatus(
          op.status === "ok"
            ? { code: SpanStatusCode.OK }
            : { code: SpanStatusCode.ERROR, ...(op.message ? { message: op.message } : {}) },
        );
      }
      span.setAttributes(op.attributes);
      span.end(new Date(op.at));
      traced.spans.delete(op.key);
    }
  }

  #open(traced: TracedRun, start: SpanStart): void {
    const parent =
      start.parentKey === null
        ? callerContext(traced.caller)
        : trace.setSpanContext(ROOT_CONTEXT, {
            traceId: traced.traceId,
            spanId: spanIdFor(traced.traceId, start.parentKey),
            traceFlags: traced.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          });
    const links = start.links.map((link) => ({
      context: {
        traceId: traced.traceId,
        spanId: spanIdFor(traced.traceId, link.key),
        traceFlags: traced.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      },
      attributes: link.attributes,
    }));
    const span = this.#startSpan(traced.traceId, start.key, start.name, parent, {
      startTime: new Date(start.at),
      attributes: start.attributes,
      links,
    });
    traced.spans.set(start.key, span);
  }

  #startSpan(
    traceId: string,
    key: string,
    name: string,
    parent: Context,
    options: Parameters<Tracer["startSpan"]>[1],
  ): Span {
    this.#ids.preset(traceId, spanIdFor(traceId, key));
    try {
      return this.#tracer.startSpan(name, options, parent);
    } finally {
      this.#ids.clear();
    }
  }
}

interface TracedRun {
  runId: string;
  trace: RunTrace;
  traceId: string;
  caller: TraceParent | undefined;
  sampled: boolean;
  /** SDK spans now open, by RunTrace key. */
  spans: Map<string, Span>;
  /** Events that arrived while the history was being read. */
  pending: { event: StoredEvent<RunEvent>; after: RunAfter | undefined }[] | null;
}

/** The caller's span (from `runs.start`) as the run span's remote parent; none: the run span is a root. */
function callerContext(caller: TraceParent | undefined): Context {
  if (!caller) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: caller.traceId,
    spanId: caller.spanId,
    traceFlags: caller.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

/**
 * The SDK asks its IdGenerator for ids; span ids here must be the derived ones, so the next ids are set
 * right before each (synchronous) startSpan. Anything else gets random ids.
 */
class PresetIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #traceId: string | undefined;
  #spanId: string | undefined;

  preset(traceId: string, spanId: string): void {
    this.#traceId = traceId;
    this.#spanId = spanId;
  }

  clear(): void {
    this.#traceId = undefined;
    this.#spanId = undefined;
  }

  generateTraceId(): string {
    return this.#traceId ?? this.#random.generateTraceId();
  }

  generateSpanId(): string {
    return this.#spanId ?? this.#random.generateSpanId();
  }
}

/** Tracing per the OTEL_* variables, or undefined when no OTLP endpoint is set (then nothing runs). */
export function createRunTracer(
  env: NodeJS.ProcessEnv,
  deps: { store: Pick<RunStore, "getHistory">; logger: Logger },
): RunTracer | undefined {
  const config = readOtelConfig(env);
  if (!config) return undefined;
  for (const warning of config.warnings) deps.logger.warn(warning);
  // The SDK's own warnings (spans dropped, exports failing) go to the server log. diag is process-wide.
  const say =
    (log: (message: string) => void) =>
    (message: string, ...args: unknown[]) =>
      log(`opentelemetry: ${[message, ...args.map(String)].join(" ")}`);
  diag.setLogger(
    {
      error: say((m) => deps.logger.error(m)),
      warn: say((m) => deps.logger.warn(m)),
      info() {},
      debug() {},
      verbose() {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  deps.logger.info("tracing: exporting spans over OTLP/HTTP", {
    url: config.url,
    service: config.serviceName,
  });
  return new RunTracer({ ...config, ...deps });
}
