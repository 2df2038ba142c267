import type { MessagePort } from "node:worker_threads";
import { checkPayload, type PayloadLimits } from "@sagaflow/shared";
import { invokeAction } from "../../../actions/invoke";
import { FatalError } from "../../../actions/types";
import { type AttemptOutcome, type AttemptRequest, toAttemptError } from "../attempt-executor";
import { actionContext } from "../in-process-executor";
import { buildWorkerRuntime, type WorkerRuntime, type WorkerSetup } from "./worker-setup";

/**
 * The task a pool worker runs: one attempt of one action, in a thread of its own. The orchestrator talks
 * to it only through `port`: `abort` messages in (cooperative cancel), log lines out. The outcome goes
 * back as plain data, its output checked against the payload limits here, before it crosses.
 */
export interface ActionTask {
  setup: WorkerSetup;
  /** The same setup as JSON: the key of the runtime this worker built for it. */
  setupKey: string;
  request: AttemptRequest;
  limits: PayloadLimits;
  port: MessagePort;
}

export type PortMessage =
  | { type: "abort"; name: string; message: string }
  | { type: "log"; level: "info" | "warn" | "error"; message: string; fields: Record<string, unknown> };

const runtimes = new Map<string, Promise<WorkerRuntime>>();

export default async function runActionTask(task: ActionTask): Promise<AttemptOutcome> {
  const { request, port } = task;
  const controller = new AbortController();
  port.on("message", (message: PortMessage) => {
    if (message.type === "abort") {
      controller.abort(Object.assign(new Error(message.message), { name: message.name }));
    }
  });
  try {
    let runtime = runtimes.get(task.setupKey);
    if (!runtime) {
      runtime = buildWorkerRuntime(task.setup);
      runtimes.set(task.setupKey, runtime);
    }
    const { actions, resolvePath } = await runtime;
    const action = actions.get(request.action);
    if (!action) {
      return {
        ok: false,
        error: { name: "FatalError", message: `Unknown action "${request.action}"`, fatal: true },
      };
    }
    const post = (level: "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) =>
      port.postMessage({ type: "log", level, message, fields: fields ?? {} } satisfies PortMessage);
    const logger = { info: post("info"), warn: post("warn"), error: post("error") };
    const output = await invokeAction(
      action,
      request.params,
      actionContext(request, controller.signal, { resolvePath, logger }),
    );
    const check = checkPayload(
      output === undefined ? null : output,
      task.limits,
      `the output of ${request.stateId}`,
    );
    if (!check.ok)
      return { ok: false, error: { name: "PayloadLimitExceeded", message: check.reason, fatal: false } };
    return { ok: true, output: JSON.parse(check.json) };
  } catch (error) {
    return { ok: false, error: toAttemptError(error, (failure) => failure instanceof FatalError) };
  } finally {
    port.close();
  }
}
