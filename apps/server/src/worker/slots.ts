import type { ActionSlots } from "@sagaflow/engine";

/**
 * A counting semaphore for action executions: at most `limit` handlers run at once, the rest queue in
 * arrival order. A waiter whose AbortSignal fires (attempt timeout, cancel, shutdown) leaves the queue.
 * The engine takes a slot right before it runs a handler (EngineOptions.slots), so on shutdown it knows
 * which queued attempts never began.
 */
export class Slots implements ActionSlots {
  #running = 0;
  #stopped = false;
  readonly #queue: { resolve: () => void; reject: (error: Error) => void }[] = [];
  readonly #idleWaiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`concurrency must be a positive integer, got ${limit}`);
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queue.length;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.#running < this.limit && !this.#stopped) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const index = this.#queue.indexOf(entry);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(abortError(signal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(entry);
    });
  }

  release(): void {
    const next = this.#stopped ? undefined : this.#queue.shift();
    if (next) {
      next.resolve(); // the slot passes straight to the next waiter
      return;
    }
    this.#running -= 1;
    if (this.#running === 0) for (const waiter of this.#idleWaiters.splice(0)) waiter();
  }

  /** Shutdown: no new handler starts; queued ones wait until their signal aborts them. */
  stopTaking(): void {
    this.#stopped = true;
  }

  /** Resolves when no handler runs (queued ones are not waited for: they abort on shutdown). */
  whenIdle(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : Object.assign(new Error("aborted"), { name: "AbortError" });
}
