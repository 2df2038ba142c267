import type { RunStore } from "@sagaflow/engine";

/** The processes one torture phase runs against: one SQLite server, or several on one PostgreSQL. */
export interface TortureCluster {
  readonly dir: string;
  up(): Promise<void>;
  saveDefinitions(): Promise<void>;
  /** Keeps the driver ticking against whichever process is up. */
  startTicking(): void;
  /** SIGKILL (a random process of several), `downMs` of nothing, then a new process. */
  crash(downMs: number, pick: (count: number) => number): Promise<void>;
  settle(timeoutMs: number): Promise<void>;
  down(): Promise<void>;
  /** The database, to read every run's evidence once the processes are down. */
  openStore(): RunStore;
}
