import { createContext, useContext } from "react";
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";

/**
 * Run mode draws a run's progress *over* the definition's graph. The status of each node and edge is
 * derived from the run's events into this separate structure (never written into node data), and each
 * node subscribes to its own entry only.
 */
export type NodeRunPhase =
  | "pending"
  | "active"
  | "waiting"
  | "succeeded"
  | "failed"
  | "warned"
  | "compensating"
  | "compensated"
  | "compensation_failed"
  | "skipped";

export interface NodeRunStatus {
  phase: NodeRunPhase;
  attempts?: number;
  durationMs?: number;
  /** Order in the compensation trace (1 = first undone). */
  compensationOrder?: number;
}

export interface EdgeRunStatus {
  taken?: boolean;
  compensationOrder?: number;
  compensationPhase?: "running" | "done" | "failed";
}

export interface RunOverlay {
  nodes: Record<string, NodeRunStatus>;
  edges: Record<string, EdgeRunStatus>;
  /** States the run has not reached are dimmed once anything has happened. */
  dimUnreached: boolean;
}

export type RunOverlayStore = StoreApi<RunOverlay>;

export const createRunOverlayStore = (): RunOverlayStore =>
  createStore<RunOverlay>(() => ({ nodes: {}, edges: {}, dimUnreached: false }));

export const RunOverlayContext = createContext<RunOverlayStore | null>(null);

const noOverlay = createRunOverlayStore();

export function useNodeRun(id: string): NodeRunStatus | undefined {
  const store = useContext(RunOverlayContext);
  return useStore(store ?? noOverlay, (s) => s.nodes[id]);
}

export function useEdgeRun(id: string): EdgeRunStatus | undefined {
  const store = useContext(RunOverlayContext);
  return useStore(store ?? noOverlay, (s) => s.edges[id]);
}

export function useDimUnreached(): boolean {
  const store = useContext(RunOverlayContext);
  return useStore(store ?? noOverlay, (s) => s.dimUnreached);
}
