import type { Alert } from "./alert";

export interface WebhookOptions {
  url: string;
  /** Total tries, the first included. */
  attempts?: number;
  initialDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Per-try timeout. */
  timeoutMs?: number;
}

export type WebhookResult =
  | { delivered: true; attempts: number }
  | { delivered: false; attempts: number; lastError: string };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * POSTs the alert as JSON; retries network errors and non-2xx answers with exponential backoff
 * (0.5 s, 1 s, 2 s, …). Never throws: an alert that cannot be delivered is reported, not fatal.
 */
export async function postAlert(alert: Alert, options: WebhookOptions): Promise<WebhookResult> {
  const attempts = options.attempts ?? 5;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  let delay = options.initialDelayMs ?? 500;
  let lastError = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await doFetch(options.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "sagaflow-alerts" },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (response.ok) return { delivered: true, attempts: attempt };
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) {
      await sleep(delay);
      delay *= 2;
    }
  }
  return { delivered: false, attempts, lastError };
}
