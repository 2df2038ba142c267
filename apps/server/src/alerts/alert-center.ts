import type { Alert } from "./alert";
import { postAlert, type WebhookResult } from "./webhook";

export interface AlertCenterOptions {
  /** Error-level log line for every alert. */
  logError: (message: string, details: Record<string, unknown>) => void;
  /** Pushes the alert to live subscribers (the web app's banner). */
  publish: (alert: Alert) => void;
  /** SAGAFLOW_ALERT_WEBHOOK, when set. */
  webhookUrl?: string | undefined;
  post?: (alert: Alert, url: string) => Promise<WebhookResult>;
}

/**
 * The open `compensation_failed` alerts, one per run: raised when the engine commits CompensationFailed,
 * cleared when a person moves the run on (retry, resolve, resume).
 */
export class AlertCenter {
  readonly #open = new Map<string, Alert>();
  readonly #deliveries = new Set<Promise<unknown>>();
  readonly #options: AlertCenterOptions;

  constructor(options: AlertCenterOptions) {
    this.#options = options;
  }

  raise(alert: Alert): void {
    this.#open.set(alert.runId, alert);
    this.#options.logError(`ALERT ${alert.message}`, { ...alert });
    this.#options.publish(alert);
    const url = this.#options.webhookUrl;
    if (url) {
      const post = this.#options.post ?? ((a: Alert, u: string) => postAlert(a, { url: u }));
      const delivery = post(alert, url).then((result) => {
        if (!result.delivered) {
          this.#options.logError(
            `alert webhook failed after ${result.attempts} attempts: ${result.lastError}`,
            {
              runId: alert.runId,
            },
          );
        }
      });
      this.#deliveries.add(delivery);
      void delivery.finally(() => this.#deliveries.delete(delivery));
    }
  }

  /** Restores an alert found at boot, without logging or posting it again. */
  restore(alert: Alert): void {
    this.#open.set(alert.runId, alert);
  }

  clear(runId: string): void {
    this.#open.delete(runId);
  }

  list(): Alert[] {
    return [...this.#open.values()].sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Waits for webhook deliveries in flight (used on shutdown), at most `timeoutMs`. */
  async drain(timeoutMs = 5_000): Promise<void> {
    if (this.#deliveries.size === 0) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.#deliveries]), timeout]);
  }
}
