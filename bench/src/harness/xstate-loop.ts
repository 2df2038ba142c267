import { assign, createActor, fromPromise, setup, toPromise } from "xstate";

/**
 * The loop workflow of `loopWorkflow` in XState v5, in memory: a state invoking an async `transform`
 * (value + 1) and a guarded transient state that loops back until `steps` are done. Not durable.
 */
export function xstateLoopMachine(steps: number) {
  return setup({
    types: { context: {} as { step: number } },
    actors: {
      transform: fromPromise(async ({ input }: { input: { value: number } }) => input.value),
    },
  }).createMachine({
    id: "bench-loop",
    context: { step: 0 },
    initial: "step",
    states: {
      step: {
        invoke: {
          src: "transform",
          input: ({ context }) => ({ value: context.step + 1 }),
          onDone: { target: "more", actions: assign({ step: ({ event }) => event.output }) },
        },
      },
      more: {
        always: [{ guard: ({ context }) => context.step < steps, target: "step" }, { target: "done" }],
      },
      done: { type: "final" },
    },
  });
}

/** Runs the loop to its end; resolves with the steps it counted. */
export async function runXstateLoop(steps: number): Promise<number> {
  const actor = createActor(xstateLoopMachine(steps));
  const done = toPromise(actor);
  actor.start();
  await done;
  return actor.getSnapshot().context.step;
}
