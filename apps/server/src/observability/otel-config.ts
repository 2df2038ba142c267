import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";

/**
 * The standard OpenTelemetry environment variables Sagaflow reads
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). Tracing is off
 * unless an OTLP endpoint is set: no exporter runs, nothing is buffered.
 */
export interface OtelConfig {
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  url: string;
  headers: Record<string, string>;
  serviceName: string;
  sampler: Sampler;
  /** The batch span processor: OTEL_BSP_SCHEDULE_DELAY, _MAX_QUEUE_SIZE, _MAX_EXPORT_BATCH_SIZE. */
  batch: { scheduledDelayMillis?: number; maxQueueSize: number; maxExportBatchSize: number };
  /** Set when the variables asked for something this build does not do (logged once at start). */
  warnings: string[];
}

export function readOtelConfig(env: NodeJS.ProcessEnv): OtelConfig | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "otlp").split(",").map((name) => name.trim());
  if (!exporters.includes("otlp")) return undefined;
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ||
    (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
      ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.trim().replace(/\/+$/, "")}/v1/traces`
      : undefined);
  if (!url) return undefined;
  const warnings: string[] = [];
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol && protocol !== "http/json") {
    warnings.push(
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; spans are sent as OTLP/HTTP JSON (http/json), which collectors accept on the same port`,
    );
  }
  const delay = count(env.OTEL_BSP_SCHEDULE_DELAY);
  return {
    url,
    headers: parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || "sagaflow",
    sampler: samplerFromEnv(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG, warnings),
    batch: {
      ...(delay === undefined ? {} : { scheduledDelayMillis: delay }),
      // Runs end in bursts (a few spans per step, many runs at once): the SDK's 2048 drops spans under
      // load, so the queue is larger unless the variables say otherwise.
      maxQueueSize: count(env.OTEL_BSP_MAX_QUEUE_SIZE) ?? DEFAULT_MAX_QUEUE_SIZE,
      maxExportBatchSize: count(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE) ?? DEFAULT_MAX_EXPORT_BATCH_SIZE,
    },
    warnings,
  };
}

const DEFAULT_MAX_QUEUE_SIZE = 16_384;
const DEFAULT_MAX_EXPORT_BATCH_SIZE = 1_024;

function count(text: string | undefined): number | undefined {
  const value = Number(text);
  return text?.trim() && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** `key1=value1,key2=value2`, values URL-encoded (the spec's format for OTEL_EXPORTER_OTLP_HEADERS). */
function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

function samplerFromEnv(name: string | undefined, arg: string | undefined, warnings: string[]): Sampler {
  const ratio = () => {
    const value = Number(arg);
    return arg !== undefined && Number.isFinite(value) && value >= 0 && value <= 1 ? value : 1;
  };
  switch ((name ?? "parentbased_always_on").trim()) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio());
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      warnings.push(`OTEL_TRACES_SAMPLER=${name} is not known; using parentbased_always_on`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
