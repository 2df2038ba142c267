import { randomUUID } from "node:crypto";
import {
  type Engine,
  errorCodeOf,
  LeaseHeldError,
  type Logger,
  type MessageListener,
  type PostgresRunStore,
} from "@sagaflow/engine";
import { callLanded } from "./landed";
import { callEngine, type OperatorCall, type OperatorCalls } from "./operator-call";

/**
 * The channel (message-channel.ts) every instance of one database listens on: operator calls and their
 * answers, and the free-run hints of `serve --no-drive` (free-runs.ts), on one LISTEN connection per process
 * (each LISTEN holds one of the store pool's connections).
 */
export const CLUSTER_CHANNEL = "operator_calls";
/** A hint that runs wait to be claimed: heard by every process, addressed to nobody. */
export const FREE_RUNS_MESSAGE = JSON.stringify({ kind: "free" });
/** How long a forwarded call waits for the owner's answer before asking whether the owner is gone. */
export const DEFAULT_FORWARD_TIMEOUT_MS = 5_000;
/** How long an owner remembers the answer to a call, so a retried forward is answered, not run twice. */
const REMEMBER_ANSWERS_MS = 5 * 60_000;

interface CallMessage {
  kind: "call";
  id: string;
  from: string;
  to: string;
  call: OperatorCall;
}
interface AnswerMessage {
  kind: "answer";
  id: string;
  to: string;
  answer: Answer;
}
type Message = CallMessage | AnswerMessage | { kind: "free" };
/** An error as data: `code` (packages/engine/src/errors.ts) is what maps it to the same HTTP answer. */
type Answer = { ok: true } | { ok: false; error: { name: string; message: string; code?: string } };

export interface ForwarderOptions {
  engine: Engine;
  store: PostgresRunStore;
  /** This instance's lease owner name (leaseOwnerFor). */
  self: string;
  /** The cluster's lease: how long a dead owner's runs wait before anyone may take them. */
  leaseMs: number;
  forwardTimeoutMs?: number;
  logger: Logger;
  /** A `serve --no-drive` started runs (FREE_RUNS_MESSAGE): the free-run puller's wake-up. */
  onFreeRuns?: () => void;
}

/**
 * Operator calls on a database several instances share (PostgreSQL). A call goes to this instance's engine
 * first; if another instance holds the run's lease (LEASE_HELD), it is sent to that owner over NOTIFY, which
 * carries it out on its engine and answers with the result or the error, so the caller gets the same answer
 * as from a local call. When the owner does not answer (dead, or cut off), the call waits for the owner's
 * lease to expire and then takes the run over itself: the engine's claim, its history verified, its
 * in-flight attempts settled as after a crash, then the call. Each call has an id the owner remembers, so
 * a forward that is retried after a lost answer is answered again, not carried out twice; and a cancel or
 * signal that an owner carried out just before it died is found in the history (landed.ts), not offered again.
 */
export class ClusterForwarder implements OperatorCalls {
  private listener: MessageListener | undefined;
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  private readonly answered = new Map<string, Promise<Answer>>();

  constructor(private readonly options: ForwarderOptions) {}

  async start(): Promise<void> {
    this.listener = await this.options.store.listenMessages(CLUSTER_CHANNEL, (text) => this.heard(text), {
      onError: (error) => this.options.logger.warn("operator call channel dropped", { error: String(error) }),
    });
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
  }

  async call(call: OperatorCall): Promise<void> {
    const { engine, store, self, leaseMs } = this.options;
    const forwardTimeoutMs = this.options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS;
    // Long enough for a dead owner's lease to run out, and the run to be taken over here.
    const deadline = Date.now() + leaseMs + forwardTimeoutMs;
    const id = randomUUID();
    let silentOwner: string | undefined;
    let sentAfterSeq: number | undefined;
    // An owner that took the call and went silent may have carried it out before dying: then it is done, and
    // offering it again would be refused or applied twice (landed.ts).
    const landed = async () =>
      silentOwner !== undefined &&
      sentAfterSeq !== undefined &&
      (await callLanded(store, call, sentAfterSeq));
    for (;;) {
      if (await landed()) return;
      try {
        return await callEngine(engine, call);
      } catch (error) {
        if (errorCodeOf(error) !== "LEASE_HELD") {
          if (await landed()) return;
          throw error;
        }
      }
      const lease = await store.leaseOf(call.runId);
      const owner = lease?.owner;
      if (Date.now() >= deadline) break;
      if (!owner || owner === self || !lease.until || Date.parse(lease.until) <= Date.now()) {
        await sleep(20); // the lease changed hands meanwhile: claim it, or find its new owner
        continue;
      }
      if (owner !== silentOwner) {
        // Where the history stood before the call left: what landed.ts looks after.
        sentAfterSeq ??= (await store.getRun(call.runId))?.lastSeq;
        const answer = await this.forward(id, owner, call, Math.min(forwardTimeoutMs, deadline - Date.now()));
        if (answer?.ok) return;
        if (answer && answer.error.code !== "LEASE_HELD") {
          if (await landed()) return;
          throw rebuild(answer.error);
        }
        // No answer: the owner is gone (or cut off). Only its lease's end lets anyone else drive the run.
        if (!answer) silentOwner = owner;
        else {
          await sleep(100); // the owner let the run go (or is closing): claim it, or find the new owner
          continue;
        }
      }
      await sleep(
        Math.max(50, Math.min(Date.parse(lease.until) - Date.now() + 50, deadline - Date.now(), 1000)),
      );
    }
    throw new LeaseHeldError(call.runId);
  }

  /** Sends the call to its owner; the owner's answer, or undefined when none came in time. */
  private async forward(
    id: string,
    to: string,
    call: OperatorCall,
    timeoutMs: number,
  ): Promise<Answer | undefined> {
    const answer = new Promise<Answer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(id, (result) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(result);
      });
    });
    await this.send({ kind: "call", id, from: this.options.self, to, call });
    return answer;
  }

  private heard(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.kind === "free") {
      this.options.onFreeRuns?.();
      return;
    }
    if (message.to !== this.options.self) return;
    if (message.kind === "answer") this.waiting.get(message.id)?.(message.answer);
    else void this.answer(message);
  }

  /** Carries out a call sent to this instance (once per id) and sends the answer back. */
  private async answer(message: CallMessage): Promise<void> {
    let result = this.answered.get(message.id);
    if (!result) {
      result = callEngine(this.options.engine, message.call).then(
        (): Answer => ({ ok: true }),
        // Closing, this instance lets its runs go: the caller looks for the run's owner again.
        (error: unknown): Answer =>
          errorCodeOf(error) === "ENGINE_CLOSED"
            ? { ok: false, error: { name: "LeaseHeldError", message: "closing", code: "LEASE_HELD" } }
            : { ok: false, error: asData(error) },
      );
      this.answered.set(message.id, result);
      const forget = () => this.answered.delete(message.id);
      setTimeout(forget, REMEMBER_ANSWERS_MS).unref();
      // A refusal is not remembered: asked again, this instance may hold the run by then.
      void result.then((answer) => {
        if (!answer.ok && answer.error.code === "LEASE_HELD") forget();
      });
    }
    await this.send({ kind: "answer", id: message.id, to: message.from, answer: await result });
  }

  private async send(message: Message): Promise<void> {
    try {
      await this.options.store.sendMessage(CLUSTER_CHANNEL, JSON.stringify(message));
    } catch (error) {
      this.options.logger.warn("sending an operator call failed", { error: String(error) });
    }
  }
}

function asData(error: unknown): { name: string; message: string; code?: string } {
  const code = errorCodeOf(error);
  const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
  return { name, message, ...(code ? { code } : {}) };
}

/** The owner's error, with the name, message and code it had there (so it maps to the same HTTP answer). */
function rebuild(error: { name: string; message: string; code?: string }): Error {
  return Object.assign(new Error(error.message), {
    name: error.name,
    ...(error.code ? { code: error.code } : {}),
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
