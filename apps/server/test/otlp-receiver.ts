import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OTLP/HTTP receiver on loopback, standing in for an OpenTelemetry Collector: it accepts
 * `POST /v1/traces` in the OTLP JSON encoding (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)
 * and decodes every span it is sent.
 */

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  links: { traceId: string; spanId: string; attributes: Record<string, AttributeValue> }[];
  events: { name: string; attributes: Record<string, AttributeValue> }[];
  service: string | undefined;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpAttribute[];
  status?: { code?: number; message?: string };
  links?: { traceId: string; spanId: string; attributes?: OtlpAttribute[] }[];
  events?: { name: string; attributes?: OtlpAttribute[] }[];
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function decodeAttributes(list: OtlpAttribute[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

const nanosToMs = (value: string | number) => Number(BigInt(value) / 1_000_000n);

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  requests: { headers: IncomingHttpHeaders; contentType: string | undefined }[];
  /** Resolves once `check` holds for the spans received (polls). */
  waitFor(check: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceiver["requests"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.statusCode = 404;
        res.end();
        return;
      }
      requests.push({ headers: req.headers, contentType: req.headers["content-type"] });
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpRequest;
      for (const resource of body.resourceSpans ?? []) {
        const service = decodeAttributes(resource.resource?.attributes)["service.name"];
        for (const scope of resource.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? "",
              name: span.name,
              startMs: nanosToMs(span.startTimeUnixNano),
              endMs: nanosToMs(span.endTimeUnixNano),
              attributes: decodeAttributes(span.attributes),
              status: {
                code: span.status?.code ?? 0,
                ...(span.status?.message ? { message: span.status.message } : {}),
              },
              links: (span.links ?? []).map((link) => ({
                traceId: link.traceId,
                spanId: link.spanId,
                attributes: decodeAttributes(link.attributes),
              })),
              events: (span.events ?? []).map((event) => ({
                name: event.name,
                attributes: decodeAttributes(event.attributes),
              })),
              service: typeof service === "string" ? service : undefined,
            });
          }
        }
      }
      res.setHeader("content-type", "application/json");
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    spans,
    requests,
    async waitFor(check, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check(spans)) {
        if (Date.now() > deadline) {
          throw new Error(
            `spans not received in ${timeoutMs} ms; got: ${spans.map((s) => s.name).join(", ")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return spans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
