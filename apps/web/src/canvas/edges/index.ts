import type { EdgeTypes } from "@xyflow/react";
import { TransitionEdge } from "./transition-edge";

/** Declared once at module level; the edge's kind (in its data) decides how it is drawn. */
export const edgeTypes = { transition: TransitionEdge } satisfies EdgeTypes;
