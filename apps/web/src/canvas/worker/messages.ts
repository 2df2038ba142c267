import type { ActionCatalog, Definition, Diagnostic } from "@sagaflow/shared";
import type { FlowEdge, FlowNode } from "../types";
import type { LayoutDirection } from "../utils/elk-layout";

/** What the canvas asks its worker: validate a definition, or lay out a graph too big for ELK. */
export type Job =
  | { type: "validate"; definition: Omit<Definition, "layout">; catalog: ActionCatalog | undefined }
  | { type: "layout"; nodes: FlowNode[]; edges: FlowEdge[]; direction: LayoutDirection };

export type JobResult<J extends Job> = J extends { type: "validate" } ? Diagnostic[] : FlowNode[];

export type ToWorker = { id: number } & Job;
export type FromWorker = { id: number } & (
  | { ok: true; value: Diagnostic[] | FlowNode[] }
  | { ok: false; message: string }
);
