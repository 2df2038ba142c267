import type { EdgeKind } from "../types";

/** How each kind of edge reads at a glance: colour, dash, label tone. */
export const EDGE_STYLE: Record<EdgeKind, { stroke: string; dash?: string; label: string; width: number }> = {
  next: { stroke: "#94a3b8", width: 1.75, label: "bg-white text-slate-600 border-slate-200" },
  choice: { stroke: "#f59e0b", width: 1.75, label: "bg-amber-50 text-amber-800 border-amber-200" },
  otherwise: {
    stroke: "#94a3b8",
    dash: "6 4",
    width: 1.5,
    label: "bg-slate-50 text-slate-600 border-slate-200 italic",
  },
  catch: { stroke: "#f43f5e", width: 1.5, label: "bg-rose-50 text-rose-700 border-rose-200" },
  compensation: {
    stroke: "#8b5cf6",
    dash: "5 5",
    width: 1.75,
    label: "bg-violet-50 text-violet-700 border-violet-200",
  },
  timeout: {
    stroke: "#f97316",
    dash: "2 4",
    width: 1.5,
    label: "bg-orange-50 text-orange-700 border-orange-200",
  },
};

export const EDGE_KINDS = Object.keys(EDGE_STYLE) as EdgeKind[];
export const markerId = (kind: EdgeKind | "taken" | "selected") => `sf-arrow-${kind}`;
