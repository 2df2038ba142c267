import type { ActionDefinition } from "@sagaflow/engine";
import type { Slots } from "./slots";

/**
 * The run worker's concurrency limit, applied where the work happens: each action handler waits for a
 * slot before it runs. The engine itself drives every run at once; this keeps the number of actions
 * touching databases, files and networks at the configured bound. A queued attempt's timeout includes
 * its wait, and it gives up its place when aborted (timeout, cancel, shutdown).
 */
export function limitActions(actions: readonly ActionDefinition[], slots: Slots): ActionDefinition[] {
  return actions.map((action) => ({
    ...action,
    handler: async (params, context) => {
      await slots.acquire(context.signal);
      try {
        return await action.handler(params, context);
      } finally {
        slots.release();
      }
    },
  }));
}
