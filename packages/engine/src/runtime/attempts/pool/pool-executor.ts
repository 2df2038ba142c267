import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import { DEFAULT_PAYLOAD_LIMITS, type PayloadLimits } from "@sagaflow/shared";
import { Piscina } from "piscina";
import type { Logger } from "../../logger";
import {
  type AttemptExecutor,
  type AttemptOutcome,
  type AttemptRequest,
  type AttemptSignal,
  signalOf,
} from "../attempt-executor";
import type { ActionTask, PortMessage } from "./action-worker";
import { workerBundle } from "./worker-bundle";
import type { WorkerSetup } from "./worker-setup";

export const DEFAULT_WORKER_MEMORY_MB = 256;
/** How long a timed-out attempt's thread may still run before it is terminated. */
const TERMINATE_GRACE_MS = 1000;

export interface PoolExecutorOptions {
  /** Read when the pool starts (the server's own address is known only once it listens). */
  setup: () => WorkerSetup;
  logger: Logger;
  /** Heap limit of each worker thread. */
  memoryMb?: number;
  /** Threads at most; an attempt has a thread to itself while it runs. */
  threads?: number;
  limits?: PayloadLimits;
}

/**
 * Runs actions in a pool of worker threads (piscina), one attempt per thread at a time, so a definition's
 * work never runs on the orchestrator's thread. A cancel is passed on to the action's AbortSignal; a
 * timeout ends the attempt at once for the engine; the thread, if it is still busy a grace period later
 * (a regex, a loop), is terminated and piscina replaces it. A thread that runs out of heap fails its attempt with
 * ResourceExhausted. (One single huge allocation can still abort the whole process: recovery counts
 * those crashes per step and stops after a few, see docs/reliability.md.)
 */
export function createPoolExecutor(options: PoolExecutorOptions): AttemptExecutor {
  const memoryMb = options.memoryMb ?? DEFAULT_WORKER_MEMORY_MB;
  const limits = options.limits ?? DEFAULT_PAYLOAD_LIMITS;
  let pool: Promise<Piscina> | undefined;
  let setup: { value: WorkerSetup; key: string } | undefined;

  const start = async () => {
    const value = options.setup();
    setup = { value, key: JSON.stringify(value) };
    const started = new Piscina({
      filename: await workerBundle(),
      // Plain JavaScript: the thread must not inherit this process's loaders (`--import tsx`), which would
      // also hook the tsx that loads custom action modules there and break it.
      execArgv: [],
      minThreads: 1,
      maxThreads: options.threads ?? Math.max(4, availableParallelism() * 2),
      concurrentTasksPerWorker: 1,
      // Actions await I/O: the worker's event loop must run between tasks.
      atomics: "disabled",
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    // A thread that dies also fails its task (that is how its attempt learns of it); the pool reports it
    // again as an event, which must not go unheard.
    started.on("error", (error: unknown) =>
      options.logger.warn("an action worker died", { error: String(error) }),
    );
    return started;
  };

  return {
    async execute(request: AttemptRequest, attemptSignal: AttemptSignal): Promise<AttemptOutcome> {
      const signal = signalOf(attemptSignal);
      pool ??= start();
      const running = await pool;
      const { port1, port2 } = new MessageChannel();
      port1.on("message", (message: PortMessage) => {
        if (message.type === "log") options.logger[message.level](message.message, message.fields);
      });
      // Terminates the thread: past its timeout an attempt is abandoned whatever it does.
      const terminate = new AbortController();
      const onAbort = () => {
        const reason = signal.reason as Error | undefined;
        port1.postMessage({
          type: "abort",
          name: reason?.name ?? "AbortError",
          message: reason?.message ?? "aborted",
        } satisfies PortMessage);
        // Not at once: a thread waiting inside SQLite (a lock) must first get control back, since
        // terminating it there aborts the whole process. Its lock wait ends just past the deadline (see
        // busyTimeoutFor) and the action fails by itself; a thread that never yields is cut after the grace.
        if (reason?.name === "Timeout") graceTimer = setTimeout(() => terminate.abort(), TERMINATE_GRACE_MS);
      };
      let graceTimer: NodeJS.Timeout | undefined;
      signal.addEventListener("abort", onAbort, { once: true });
      const task: ActionTask = {
        setup: setup!.value,
        setupKey: setup!.key,
        request,
        limits,
        port: port2,
      };
      try {
        return (await running.run(task, {
          transferList: [port2],
          signal: terminate.signal,
        })) as AttemptOutcome;
      } catch (error) {
        return { ok: false, error: workerFailure(error, memoryMb) };
      } finally {
        signal.removeEventListener("abort", onAbort);
        clearTimeout(graceTimer);
        port1.close();
      }
    },
    async close() {
      const closing = pool;
      pool = undefined;
      await (await closing?.catch(() => undefined))?.destroy();
    },
  };
}

/** A thread that died under an attempt, as the attempt's error. */
function workerFailure(error: unknown, memoryMb: number) {
  const code = (error as { code?: unknown }).code;
  if (code === "ERR_WORKER_OUT_OF_MEMORY") {
    return {
      name: "ResourceExhausted",
      message: `the step used more than ${memoryMb} MB of memory and was stopped`,
      fatal: false,
      code: "RESOURCE_EXHAUSTED",
    };
  }
  const name = (error as Error)?.name === "AbortError" ? "Timeout" : "WorkerCrashed";
  return { name, message: (error as Error)?.message ?? String(error), fatal: false };
}
