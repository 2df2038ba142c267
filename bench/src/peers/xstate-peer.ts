import { assign, createActor, fromPromise, setup, toPromise } from "xstate";
import { runXstateLoop } from "../harness/xstate-loop";
import type { Peer } from "./peer";

/**
 * XState v5 in memory: the same workloads as actors invoking promise steps. Nothing is durable, so there
 * is no fsync to turn on or off: it shows what interpreting a state machine costs by itself.
 */

const step = fromPromise(async ({ input }: { input: { value: number } }) => input.value);
const failing = fromPromise(async (): Promise<number> => {
  throw new Error("t5 fails");
});

/** t1..t4, t5 fails, then the compensations c4..c1, each recorded in the context. */
const sagaMachine = setup({
  types: { context: {} as { compensated: string[] } },
  actors: { step, failing },
}).createMachine({
  id: "peer-saga",
  context: () => ({ compensated: [] }),
  initial: "t1",
  states: {
    ...Object.fromEntries(
      [1, 2, 3, 4].map((i) => [
        `t${i}`,
        { invoke: { src: "step", input: { value: i }, onDone: { target: i < 4 ? `t${i + 1}` : "t5" } } },
      ]),
    ),
    t5: { invoke: { src: "failing", onError: { target: "c4" } } },
    ...Object.fromEntries(
      [4, 3, 2, 1].map((i) => [
        `c${i}`,
        {
          invoke: {
            src: "step",
            input: { value: -i },
            onDone: {
              target: i > 1 ? `c${i - 1}` : "compensated",
              actions: assign({
                compensated: ({ context }: { context: { compensated: string[] } }) => [
                  ...context.compensated,
                  `t${i}`,
                ],
              }),
            },
          },
        },
      ]),
    ),
    compensated: { type: "final" },
  },
});

async function saga(): Promise<string[]> {
  const actor = createActor(sagaMachine, { input: undefined });
  actor.start();
  await toPromise(actor);
  return actor.getSnapshot().context.compensated;
}

export async function openXstatePeer(): Promise<Peer> {
  return {
    async sequential(steps) {
      const counted = await runXstateLoop(steps);
      if (counted !== steps) throw new Error(`XState counted ${counted} steps, not ${steps}`);
    },
    async concurrent(runs, steps) {
      await Promise.all(Array.from({ length: runs }, () => runXstateLoop(steps)));
    },
    saga: () => saga(),
    async oneStep() {
      await runXstateLoop(1);
    },
    async close() {},
  };
}
