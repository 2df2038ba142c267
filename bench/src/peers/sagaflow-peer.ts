import { join } from "node:path";
import type { Definition } from "@sagaflow/shared";
import { type Engine, openSqliteStore } from "../engine";
import { newEngine } from "../harness/engine-runs";
import { chainWorkflow, loopWorkflow } from "../harness/workflows";
import type { Peer, PeerOptions } from "./peer";

/**
 * Sagaflow's engine in this process on its SQLite store: FULL (an fsync per commit, the default) or
 * NORMAL (in WAL mode, no fsync at commit: the "off" column). Built-in `transform` steps.
 */

/** t1..t4 each with a compensation, t5 fails (an `assert` that does not hold): the run compensates. */
export const sagaWorkflow: Definition = {
  name: "peer-saga",
  startAt: "t1",
  states: {
    ...Object.fromEntries(
      [1, 2, 3, 4].flatMap((i) => [
        [
          `t${i}`,
          {
            type: "task",
            action: "transform",
            params: { value: i },
            compensateWith: `c${i}`,
            next: i < 4 ? `t${i + 1}` : "t5",
          },
        ],
        [`c${i}`, { type: "compensation", action: "transform", params: { value: -i } }],
      ]),
    ),
    t5: { type: "task", action: "assert", params: { that: false, message: "t5 fails" }, end: true },
  },
} as Definition;

export async function openSagaflowPeer(options: PeerOptions): Promise<Peer> {
  const store = openSqliteStore(join(options.dir, "sagaflow.db"), {
    synchronous: options.fsync ? "FULL" : "NORMAL",
  });
  const engine: Engine = newEngine(store);
  const succeed = async (definition: Definition) => {
    const run = await engine.waitFor(await engine.start(definition));
    if (run.status !== "succeeded") throw new Error(`${definition.name} ended ${run.status}`);
  };
  const oneStep = chainWorkflow(1, "peer-one-step");
  return {
    sequential: (steps) => succeed(loopWorkflow(steps, `peer-sequential-${steps}`)),
    async concurrent(runs, steps) {
      const definition = chainWorkflow(steps, `peer-concurrent-${steps}`);
      const ids = await Promise.all(Array.from({ length: runs }, () => engine.start(definition)));
      const ended = await Promise.all(ids.map((id) => engine.waitFor(id)));
      const failed = ended.find((run) => run.status !== "succeeded");
      if (failed) throw new Error(`a concurrent run ended ${failed.status}`);
    },
    async saga() {
      const runId = await engine.start(sagaWorkflow);
      const run = await engine.waitFor(runId);
      if (run.status !== "compensated") throw new Error(`the saga ended ${run.status}`);
      return (await engine.getHistory(runId)).flatMap(({ event }) =>
        event.type === "CompensationStepSucceeded" ? [event.taskStateId] : [],
      );
    },
    oneStep: () => succeed(oneStep),
    async close() {
      await engine.close();
      await store.close();
    },
  };
}
