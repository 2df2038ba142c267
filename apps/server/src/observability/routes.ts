import type { RequestListener } from "node:http";
import { healthz, type Readiness, readyz } from "./health";
import type { ServerMetrics } from "./metrics";

/** An operations endpoint; `auth`: it follows the API's token rule (/metrics), else it is open (probes). */
export interface OpsRoute {
  handler: RequestListener;
  auth: boolean;
}

/** GET /healthz, /readyz and /metrics, mounted by the request listener before the API and the web app. */
export function opsRoutes(readiness: Readiness, metrics: ServerMetrics): Record<string, OpsRoute> {
  return {
    "/healthz": { handler: healthz, auth: false },
    "/readyz": { handler: readyz(readiness), auth: false },
    "/metrics": { handler: metricsHandler(metrics), auth: true },
  };
}

function metricsHandler(metrics: ServerMetrics): RequestListener {
  return (_req, res) => {
    metrics.registry.metrics().then(
      (text) => {
        res.statusCode = 200;
        res.setHeader("Content-Type", metrics.registry.contentType);
        res.end(text);
      },
      (error: unknown) => {
        res.statusCode = 500;
        res.setHeader("Content-Type", "text/plain");
        res.end(`metrics failed: ${String(error)}`);
      },
    );
  };
}
