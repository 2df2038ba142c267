import type { RunStore } from "../store/types";
import type { Clock } from "./clock";
import type { Logger } from "./logger";

export const DEFAULT_LEASE_MS = 60_000;

/**
 * This process's claim on the runs it drives. Every commit carries the lease (claimed at creation,
 * renewed by each step, released when terminal); runs that wait (a long timer, a slow attempt) commit
 * nothing for a while, so every third of the lease one statement renews them all.
 */
export class Leases {
  private renewal: NodeJS.Timeout | null = null;
  private lastNow = Number.NaN;
  private lastUntil = "";

  constructor(
    private readonly parts: {
      store: RunStore;
      clock: Clock;
      logger: Logger;
      owner: string;
      leaseMs: number;
    },
  ) {}

  get owner(): string {
    return this.parts.owner;
  }

  until(): string {
    // Every commit asks: the same millisecond gives the same time, formatted once.
    const now = this.parts.clock.now();
    if (now !== this.lastNow) {
      this.lastNow = now;
      this.lastUntil = new Date(now + this.parts.leaseMs).toISOString();
    }
    return this.lastUntil;
  }

  /** The lease a commit carries. */
  lease(): { owner: string; until: string } {
    return { owner: this.parts.owner, until: this.until() };
  }

  /**
   * Keeps the leases of the followed runs alive while `following()` is above zero. The heartbeat runs on
   * real time, not the injected clock: it is about this process being alive.
   */
  keepAlive(following: () => number): void {
    if (this.renewal) return;
    const { store, logger, owner, leaseMs } = this.parts;
    this.renewal = setInterval(() => {
      if (following() === 0) return;
      store
        .renewLeases(owner, this.until())
        .catch((error: unknown) => logger.warn("lease renewal failed", { error: String(error) }));
    }, leaseMs / 3);
    this.renewal.unref();
  }

  stop(): void {
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
  }
}
