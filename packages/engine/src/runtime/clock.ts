/** Time as the engine sees it. Injected so retries, backoff, timeouts and durable timers are testable. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

/** setTimeout caps delays at 2^31-1 ms (~24.8 days); longer timers re-arm in steps. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export function createRealClock(): Clock {
  let nextId = 1;
  const handles = new Map<number, NodeJS.Timeout>();
  const arm = (id: number, dueAt: number, callback: () => void) => {
    const delay = Math.min(Math.max(0, dueAt - Date.now()), MAX_TIMEOUT_MS);
    const timeout = setTimeout(() => {
      if (Date.now() >= dueAt) {
        handles.delete(id);
        callback();
      } else {
        arm(id, dueAt, callback);
      }
    }, delay);
    timeout.unref?.();
    handles.set(id, timeout);
  };
  return {
    now: () => Date.now(),
    setTimer(delayMs, callback) {
      const id = nextId++;
      arm(id, Date.now() + Math.max(0, delayMs), callback);
      return { id };
    },
    clearTimer(handle) {
      const timeout = handles.get(handle.id);
      if (timeout) clearTimeout(timeout);
      handles.delete(handle.id);
    },
  };
}

interface FakeTimer {
  id: number;
  dueAt: number;
  callback: () => void;
}

/**
 * A clock that only moves when told. `fireNext()` jumps to the earliest timer and fires every timer due
 * then, so a test walks through a run's waits, backoffs and timeouts in microseconds.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start: number | string = "2030-01-01T00:00:00.000Z") {
    this.current = typeof start === "number" ? start : Date.parse(start);
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, dueAt: this.current + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** When the earliest timer is due, or undefined when none is armed. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.timers.values())
      if (earliest === undefined || timer.dueAt < earliest) earliest = timer.dueAt;
    return earliest;
  }

  /** Moves to the earliest timer and fires all timers due by then; false when no timer is armed. */
  fireNext(): boolean {
    const dueAt = this.nextDueAt();
    if (dueAt === undefined) return false;
    this.advanceTo(dueAt);
    return true;
  }

  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(time: number): void {
    this.current = Math.max(this.current, time);
    const due = [...this.timers.values()].filter((timer) => timer.dueAt <= this.current);
    due.sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
    for (const timer of due) {
      if (!this.timers.delete(timer.id)) continue;
      timer.callback();
    }
  }
}
