import { createPathPolicy } from "./paths";
import type { ActionContext } from "./types";

export interface TestContext extends ActionContext {
  controller: AbortController;
  logs: { message: string; level: string }[];
}

/** An ActionContext for tests: paths confined to `root`, logs collected, abortable through `controller`. */
export function createTestContext(root: string, overrides: Partial<ActionContext> = {}): TestContext {
  const controller = new AbortController();
  const logs: TestContext["logs"] = [];
  const policy = createPathPolicy([root]);
  return {
    runId: "run-1",
    stateId: "step",
    attempt: 1,
    idempotencyKey: "run-1:step:1",
    signal: controller.signal,
    log: (message, level = "info") => logs.push({ message, level }),
    heartbeat: () => {},
    resolvePath: policy.resolvePath,
    ...overrides,
    controller,
    logs,
  };
}
