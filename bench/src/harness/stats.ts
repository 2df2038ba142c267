/** Small pure helpers for turning timings into figures. */

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.POSITIVE_INFINITY;
}

/** Time of `work` in ms (wall clock). */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Wall time and the CPU time this process used meanwhile, in ms. */
export interface Spent {
  ms: number;
  cpuMs: number;
}

export function startClock(): { stop(): Spent } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}

export interface GrowthPoint {
  size: number;
  ms: number;
}

/**
 * How the cost per item changes from the smallest to the largest size: 1 is perfectly linear, 2 means
 * each item costs twice as much at the largest size (quadratic-ish over a 10x range gives ~10).
 */
export function perItemGrowth(points: readonly GrowthPoint[]): number {
  const sorted = [...points].sort((a, b) => a.size - b.size);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last || first.ms === 0) return Number.NaN;
  return last.ms / last.size / (first.ms / first.size);
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
