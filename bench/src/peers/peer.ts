/**
 * One workflow system measured by `pnpm bench --peers`: the four workloads of issue 14, each written the
 * way that system's users write it. Every step is trivial (it returns a number), so what is measured is
 * the system's own cost of running and recording steps.
 */
export interface Peer {
  /** One workflow of `steps` durable steps, one after the other. */
  sequential(steps: number): Promise<void>;
  /** `runs` workflows of `steps` steps each, all started at once; resolves when every one has ended. */
  concurrent(runs: number, steps: number): Promise<void>;
  /**
   * One saga: steps t1..t5, t5 fails, the compensations of t4..t1 run in that order. Resolves with the
   * steps whose compensation ran, in the order it ran (so every peer is checked to do the same work).
   */
  saga(): Promise<string[]>;
  /** One workflow of one step, from its start to its result. */
  oneStep(): Promise<void>;
  close(): Promise<void>;
}

export interface PeerOptions {
  /** fsync on every commit (each system's durable default) or off. */
  fsync: boolean;
  /** A fresh empty directory for the peer's files. */
  dir: string;
}

export type PeerName = "sagaflow" | "xstate" | "dbos" | "restate";

export const PEER_NAMES: readonly PeerName[] = ["sagaflow", "xstate", "dbos", "restate"];

/** The saga's expected compensation order. */
export const SAGA_COMPENSATED = ["t4", "t3", "t2", "t1"];

/** The line a peer's child process prints its measurement on (child.ts; read by peers.ts). */
export const RESULT_PREFIX = "PEER-RESULT ";
