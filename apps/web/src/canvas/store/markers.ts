import type { Diagnostic } from "@sagaflow/shared";
import { edgeId } from "../utils/derive-edges";

export interface Marker {
  severity: "error" | "warning";
  message: string;
  count: number;
}

const EDGE_FIELD = /\.(next|otherwise|compensateWith|onTimeout)$|\.(choices|catch)\[(\d+)\](?:\.\w+)?$/;
const FIELD_KIND: Record<string, string> = {
  next: "next",
  otherwise: "otherwise",
  compensateWith: "compensation",
  onTimeout: "timeout",
  choices: "choice",
  catch: "catch",
};

/** Diagnostics → one marker per state and per edge (the worst severity wins; errors come first). */
export function markersOf(diagnostics: readonly Diagnostic[]): {
  nodes: Record<string, Marker>;
  edges: Record<string, Marker>;
} {
  const nodes: Record<string, Marker> = {};
  const edges: Record<string, Marker> = {};
  const add = (into: Record<string, Marker>, key: string, d: Diagnostic) => {
    const current = into[key];
    if (!current) into[key] = { severity: d.severity, message: d.message, count: 1 };
    else into[key] = { ...current, count: current.count + 1 };
  };
  for (const d of diagnostics) {
    if (!d.stateId) continue;
    add(nodes, d.stateId, d);
    const field = EDGE_FIELD.exec(d.path);
    if (field) {
      const kind = FIELD_KIND[field[1] ?? field[2] ?? ""];
      if (kind) add(edges, edgeId(d.stateId, kind, field[3] !== undefined ? Number(field[3]) : undefined), d);
    }
  }
  return { nodes, edges };
}
