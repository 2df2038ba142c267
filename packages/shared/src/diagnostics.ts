import type { Effect } from "./definition/schema";

/** One finding of the validator (SPEC §2). `path` is a JSON path into the definition, e.g. `$.states.a.next`. */
export interface Diagnostic {
  severity: "error" | "warning";
  stateId?: string;
  path: string;
  message: string;
  /** Where in an expression or JSON text the problem is, when known (0-based character offset). */
  position?: number;
  /** A stable machine-readable code, e.g. `unknown-target`. */
  code: string;
}

/**
 * What the validator needs to know of an action: plain data, so the browser can hold it.
 * `params` is the JSON Schema of the action's params.
 */
export interface ActionCatalogEntry {
  name: string;
  description: string;
  effect: Effect;
  /** The action is read-only when this param has one of these values (e.g. http.request with GET). */
  readOnlyWhen?: { param: string; values: string[] };
  params: Record<string, unknown>;
}
export type ActionCatalog = Record<string, ActionCatalogEntry>;
