import { createOutboundPolicy, type HttpRequestOptions } from "@sagaflow/engine";
import { UsageError } from "./args";

export { HTTP_POLICY_OPTIONS } from "./args";

export interface HttpPolicyFlags {
  httpAllow: string[];
  httpDeny: string[];
  httpMaxResponseBytes?: number;
}

/** A comma-separated list in an environment variable (the configuration entry beside the flags). */
export function listFromEnv(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1000, kib: 1024, mb: 1000 ** 2, mib: 1024 ** 2 };

/** Bytes, or with a unit: 512KiB, 1MiB, 2MB. */
export function parseByteSize(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? "").toLowerCase()];
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UsageError(
      `${what} must be a size such as 1048576, 512KiB or 4MiB, got ${JSON.stringify(text)}`,
    );
  }
  return bytes;
}

/** The CLI's http.request options (no server of its own to protect); a bad entry is a usage error. */
export function cliHttpOptions(flags: HttpPolicyFlags): HttpRequestOptions {
  try {
    return {
      policy: createOutboundPolicy({ allow: flags.httpAllow, deny: flags.httpDeny }),
      ...(flags.httpMaxResponseBytes ? { maxResponseBytes: flags.httpMaxResponseBytes } : {}),
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Flags win over nothing: both lists add up (SAGAFLOW_HTTP_ALLOW / SAGAFLOW_HTTP_DENY, then the flags). */
export function httpPolicyOf(
  values: { "http-allow"?: string[]; "http-deny"?: string[]; "http-max-response"?: string },
  env: NodeJS.ProcessEnv,
): HttpPolicyFlags {
  const max = values["http-max-response"] ?? env.SAGAFLOW_HTTP_MAX_RESPONSE;
  return {
    httpAllow: [...listFromEnv(env.SAGAFLOW_HTTP_ALLOW), ...(values["http-allow"] ?? [])],
    httpDeny: [...listFromEnv(env.SAGAFLOW_HTTP_DENY), ...(values["http-deny"] ?? [])],
    ...(max ? { httpMaxResponseBytes: parseByteSize(max, "--http-max-response") } : {}),
  };
}
