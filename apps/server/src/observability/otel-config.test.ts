import {
  AlwaysOffSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { readOtelConfig } from "./otel-config";

describe("readOtelConfig (the standard OTEL_* variables)", () => {
  it("runs no exporter unless an endpoint is set, or when tracing is switched off", () => {
    expect(readOtelConfig({})).toBeUndefined();
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
    expect(readOtelConfig({ ...endpoint, OTEL_SDK_DISABLED: "true" })).toBeUndefined();
    expect(readOtelConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "none" })).toBeUndefined();
    expect(readOtelConfig(endpoint)?.url).toBe("http://collector:4318/v1/traces");
  });

  it("takes the traces endpoint as is, headers, the service name and batch sizes", () => {
    const config = readOtelConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318/",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://otlp.example.com/api/traces",
      OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc%3D%3D, tenant = t1",
      OTEL_SERVICE_NAME: "orders-orchestrator",
      OTEL_BSP_SCHEDULE_DELAY: "250",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
    });
    expect(config).toMatchObject({
      url: "https://otlp.example.com/api/traces",
      headers: { "x-api-key": "abc==", tenant: "t1" },
      serviceName: "orders-orchestrator",
      batch: { scheduledDelayMillis: 250, maxQueueSize: 100, maxExportBatchSize: 1024 },
      warnings: [],
    });
    expect(readOtelConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" })).toMatchObject({
      serviceName: "sagaflow",
      batch: { maxQueueSize: 16_384 },
    });
  });

  it("builds the sampler OTEL_TRACES_SAMPLER names, and warns about what it cannot do", () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" };
    expect(readOtelConfig({ ...endpoint, OTEL_TRACES_SAMPLER: "always_off" })?.sampler).toBeInstanceOf(
      AlwaysOffSampler,
    );
    const ratio = readOtelConfig({
      ...endpoint,
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
    });
    expect(ratio?.sampler).toBeInstanceOf(TraceIdRatioBasedSampler);
    expect(ratio?.sampler.toString()).toContain("0.25");
    expect(readOtelConfig(endpoint)?.sampler).toBeInstanceOf(ParentBasedSampler);
    const odd = readOtelConfig({
      ...endpoint,
      OTEL_TRACES_SAMPLER: "sometimes",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    });
    expect(odd?.sampler).toBeInstanceOf(ParentBasedSampler);
    expect(odd?.warnings).toEqual([
      expect.stringContaining("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported"),
      expect.stringContaining("OTEL_TRACES_SAMPLER=sometimes is not known"),
    ]);
    expect(readOtelConfig({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })?.warnings).toEqual([]);
  });
});
