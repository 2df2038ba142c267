import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type ActionDefinition,
  builtinActions,
  type Clock,
  createPathPolicy,
  Engine,
  FakeClock,
  type TimerHandle,
} from "@sagaflow/engine";

/** Shared pieces of the fault-injection tests: a scratch directory, an engine on it, a clock that jumps. */

export function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), "sagaflow-faults-"));
}

export function engineIn(
  dir: string,
  options: {
    store: ConstructorParameters<typeof Engine>[0]["store"];
    clock: Clock;
    actions?: ActionDefinition[];
  },
): Engine {
  return new Engine({
    store: options.store,
    clock: options.clock,
    actions: [...builtinActions, ...(options.actions ?? [])],
    resolvePath: createPathPolicy([dir]).resolvePath,
    random: () => 0.5,
  });
}

/**
 * A wall clock that can jump either way (NTP, a VM resumed, a person fixing the time), over a FakeClock that
 * measures elapsed time: timers wait their delay whatever the wall clock says, as setTimeout does.
 */
export class JumpingClock implements Clock {
  readonly elapsed = new FakeClock(0);
  private offset: number;

  constructor(start = Date.parse("2030-01-01T00:00:00.000Z")) {
    this.offset = start;
  }

  now(): number {
    return this.elapsed.now() + this.offset;
  }

  jump(ms: number): void {
    this.offset += ms;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.elapsed.setTimer(delayMs, callback);
  }

  clearTimer(handle: TimerHandle): void {
    this.elapsed.clearTimer(handle);
  }
}

/** Lets the engine settle: commits, actions and timers due now, until nothing moves. */
export async function settle(engine: Engine, clock: { fireNext(): boolean }, rounds = 500): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    await engine.idle();
    if (!clock.fireNext()) return;
  }
}
