import { percentile, timed } from "../harness/stats";
import type { Scale } from "../types";
import { type Peer, SAGA_COMPENSATED } from "./peer";

/** The sizes of the four workloads; "tiny" is for the harness test. */
export function workloadSizes(scale: Scale) {
  return scale === "tiny"
    ? { sequential: 20, runs: 10, stepsPerRun: 3, sagas: 3, oneSteps: 5 }
    : { sequential: 1000, runs: 1000, stepsPerRun: 10, sagas: 20, oneSteps: 50 };
}

export interface PeerMeasurement {
  /** One run of `sequential` steps: milliseconds per step. */
  sequentialMsPerStep: number;
  /** `runs` runs of `stepsPerRun` steps started at once: steps per second. */
  concurrentStepsPerSecond: number;
  /** The 5-step saga with 4 compensations, p50 of `sagas` in a row, ms. */
  sagaMs: number;
  /** A one-step run, start to result, p50 of `oneSteps` in a row, ms. */
  oneStepMs: number;
}

/** Runs the four workloads on `peer`, after a small warm-up of each (so no one pays the other's JIT). */
export async function measurePeer(peer: Peer, scale: Scale): Promise<PeerMeasurement> {
  const size = workloadSizes(scale);
  await peer.sequential(10);
  await peer.concurrent(5, 2);
  await peer.saga();
  for (let i = 0; i < 3; i += 1) await peer.oneStep();

  const sequential = await timed(() => peer.sequential(size.sequential));
  const concurrent = await timed(() => peer.concurrent(size.runs, size.stepsPerRun));
  const sagas: number[] = [];
  for (let i = 0; i < size.sagas; i += 1) {
    const saga = await timed(() => peer.saga());
    if (saga.value.join() !== SAGA_COMPENSATED.join()) {
      throw new Error(`the saga compensated ${saga.value.join(", ")}, not ${SAGA_COMPENSATED.join(", ")}`);
    }
    sagas.push(saga.ms);
  }
  const oneSteps: number[] = [];
  for (let i = 0; i < size.oneSteps; i += 1) oneSteps.push((await timed(() => peer.oneStep())).ms);
  return {
    sequentialMsPerStep: sequential.ms / size.sequential,
    concurrentStepsPerSecond: (size.runs * size.stepsPerRun * 1000) / concurrent.ms,
    sagaMs: percentile(sagas, 50),
    oneStepMs: percentile(oneSteps, 50),
  };
}
