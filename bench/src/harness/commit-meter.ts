import type { Commit, RunStore } from "../engine";
import type { CommitShape } from "./raw-sqlite";

/** What an engine asked its store to commit: how many transactions, events and bytes. */
export interface CommitMeter {
  commits: number;
  events: number;
  eventBytes: number;
  snapshotBytes: number;
  /** Wall time of each commit call, in ms, when `latencies` is set. */
  latencies: number[];
  /** Puts the store's own `commit` back, so later commits are not metered. */
  stop(): void;
}

export interface MeterOptions {
  /** Measure JSON sizes (costs a stringify per commit: use it in a warm-up run, not a timed one). */
  sizes?: boolean;
  latencies?: boolean;
}

/** Counts the commits of `store` from now on (it replaces the instance's `commit`). */
export function meterCommits(store: RunStore, options: MeterOptions = {}): CommitMeter {
  const original = store.commit;
  const commit = original.bind(store);
  const meter: CommitMeter = {
    commits: 0,
    events: 0,
    eventBytes: 0,
    snapshotBytes: 0,
    latencies: [],
    stop: () => {
      store.commit = original;
    },
  };
  store.commit = async <S>(request: Commit<S>) => {
    meter.commits += 1;
    meter.events += request.events.length;
    if (options.sizes) {
      for (const event of request.events) meter.eventBytes += JSON.stringify(event).length;
      meter.snapshotBytes += JSON.stringify(request.snapshot).length;
    }
    if (!options.latencies) return commit(request);
    const started = performance.now();
    const stored = await commit(request);
    meter.latencies.push(performance.now() - started);
    return stored;
  };
  return meter;
}

/** The average shape of the commits metered (with sizes), scaled to `commits`, for the raw baseline. */
export function averageShape(meter: CommitMeter, runs: number, commits = meter.commits): CommitShape {
  const metered = Math.max(1, meter.commits);
  return {
    runs,
    commits,
    eventsPerCommit: meter.events / metered,
    eventBytes: meter.events > 0 ? meter.eventBytes / meter.events : 0,
    snapshotBytes: meter.snapshotBytes / metered,
  };
}
