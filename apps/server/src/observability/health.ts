import type { RequestListener, ServerResponse } from "node:http";
import type { RunStore } from "@sagaflow/engine";

/** How long /readyz waits for the store before calling it unreachable. */
const STORE_CHECK_MS = 2_000;

/**
 * Liveness and readiness for load balancers and orchestrators. `/healthz`: 200 while the process serves
 * HTTP at all. `/readyz`: 200 once the store answers and recovery of unfinished runs has run, else 503
 * with a short reason; 503 again from the moment a graceful shutdown begins.
 */
export class Readiness {
  #phase: "recovering" | "ready" | "closing" = "recovering";

  constructor(private readonly store: Pick<RunStore, "getRun">) {}

  recovered(): void {
    if (this.#phase === "recovering") this.#phase = "ready";
  }

  closing(): void {
    this.#phase = "closing";
  }

  async check(): Promise<{ ready: true } | { ready: false; reason: string }> {
    if (this.#phase === "closing") return { ready: false, reason: "shutting down" };
    try {
      await withTimeout(this.store.getRun("readyz-probe"), STORE_CHECK_MS);
    } catch (error) {
      return { ready: false, reason: `store unreachable: ${(error as Error).message}` };
    }
    if (this.#phase === "recovering") return { ready: false, reason: "recovering unfinished runs" };
    return { ready: true };
  }
}

export const healthz: RequestListener = (_req, res) => sendJson(res, 200, { status: "ok" });

export function readyz(readiness: Readiness): RequestListener {
  return (_req, res) => {
    readiness.check().then(
      (verdict) =>
        verdict.ready
          ? sendJson(res, 200, { status: "ready" })
          : sendJson(res, 503, { status: "not ready", reason: verdict.reason }),
      (error: unknown) => sendJson(res, 503, { status: "not ready", reason: String(error) }),
    );
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
