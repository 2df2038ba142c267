import type { Engine, RunStore } from "@sagaflow/engine";
import type { ActionCatalog } from "@sagaflow/shared";
import type { AlertCenter } from "./alerts/alert-center";
import type { OperatorCalls } from "./cluster/operator-call";
import type { LiveFeed } from "./live/live-feed";

/** The long-lived parts every request uses; built once by the composition root (app.ts). */
export interface ServerServices {
  engine: Engine;
  store: RunStore;
  catalog: ActionCatalog;
  feed: LiveFeed;
  alerts: AlertCenter;
  /** Operator calls on runs: reach the run wherever it executes (cluster/); default: this engine. */
  operator?: OperatorCalls;
}
