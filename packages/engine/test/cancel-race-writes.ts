import type { Definition, RunEvent, State } from "@sagaflow/shared";
import { z } from "zod";
import { defineAction } from "../src/actions/types";
import { type Call, type Harness, testActions } from "./helpers";

/*
 * The cancel-race tests' parts: a `write` action that finishes only when the test says so, after the
 * engine has aborted it, and applies its effect anyway (the race, made deterministic), and the sagas
 * built from it.
 */

export type Outcome = "write" | "fail";

/** `write` outcomes released by the test, by idempotency key; effects applied and undone. */
export class Writes {
  readonly effects = new Set<string>();
  /** Every write that landed, in order: a key twice is a write repeated. */
  readonly landed: string[] = [];
  /** Whether each write's AbortSignal had fired when it finished. */
  readonly abortedWhenDone = new Map<string, boolean>();
  private readonly gates = new Map<string, (outcome: Outcome) => void>();
  private readonly waiting = new Map<string, Promise<Outcome>>();

  private gate(key: string): Promise<Outcome> {
    let promise = this.waiting.get(key);
    if (!promise) {
      promise = new Promise<Outcome>((resolve) => this.gates.set(key, resolve));
      this.waiting.set(key, promise);
    }
    return promise;
  }

  /** A released outcome serves the attempts waiting for it; a later attempt of the key waits anew. */
  private consumed(key: string): void {
    this.waiting.delete(key);
    this.gates.delete(key);
  }

  release(key: string, outcome: Outcome = "write"): void {
    this.gate(key);
    this.gates.get(key)?.(outcome);
  }

  actions(calls: Call[]) {
    return [
      ...testActions(calls),
      defineAction({
        name: "write",
        description: "fails at once when ok is false; else waits for the test, then writes (ignoring aborts)",
        params: z.object({ ok: z.boolean().optional() }),
        effect: "write",
        handler: async (params, ctx) => {
          calls.push({ action: "write", key: ctx.idempotencyKey, attempt: ctx.attempt, params });
          if (params.ok === false) throw Object.assign(new Error("no"), { name: "Boom" });
          const outcome = await this.gate(ctx.idempotencyKey);
          this.consumed(ctx.idempotencyKey);
          this.abortedWhenDone.set(ctx.idempotencyKey, ctx.signal.aborted);
          if (outcome === "fail") throw Object.assign(new Error("gave up"), { name: "AbortError" });
          this.effects.add(ctx.idempotencyKey);
          this.landed.push(ctx.idempotencyKey);
          return { key: ctx.idempotencyKey };
        },
      }),
      defineAction({
        name: "undo",
        description: "removes the effect of the task it compensates",
        params: z.object({}),
        effect: "write",
        handler: async (_params, ctx) => {
          calls.push({ action: "undo", key: ctx.idempotencyKey, attempt: ctx.attempt, params: {} });
          this.effects.delete(ctx.idempotencyKey.slice(0, ctx.idempotencyKey.lastIndexOf(":")));
          return {};
        },
      }),
    ];
  }
}

/** A write task (compensated by `undo_<id>`), plus its compensation state. */
export function write(
  id: string,
  params: Record<string, unknown>,
  rest: Partial<State>,
): Record<string, State> {
  return {
    [id]: {
      type: "task",
      action: "write",
      params,
      compensateWith: `undo_${id}`,
      timeout: "5m",
      ...rest,
    } as State,
    [`undo_${id}`]: { type: "compensation", action: "undo", params: {} },
  };
}

/** book (compensated) → body → done. */
export function saga(body: Record<string, State>, extra: Partial<Definition> = {}): Definition {
  return {
    name: "race",
    startAt: "book",
    states: {
      ...write("book", {}, { next: "body" }),
      ...body,
      done: { type: "succeed" },
    },
    ...extra,
  };
}

export const mapOverFalseTrue = saga({
  body: {
    type: "map",
    items: [false, true],
    maxConcurrency: 2,
    iterator: { startAt: "item", states: write("item", { ok: "{% $item %}" }, { end: true }) },
    next: "done",
  },
});

export const parallelWithFailingBranch = saga({
  body: {
    type: "parallel",
    branches: {
      bad: { startAt: "bad", states: write("bad", { ok: false }, { end: true }) },
      slow: { startAt: "slow", states: write("slow", {}, { end: true }) },
    },
    next: "done",
  },
});

export async function history(h: Harness, runId: string): Promise<RunEvent[]> {
  return (await h.store.getHistory(runId)).map((stored) => stored.event as RunEvent);
}
