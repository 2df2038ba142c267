/** One number the benchmark reports, next to the baseline it is judged against. */
export interface Figure {
  /** Stable key, e.g. "throughput.loop.normal"; results files are compared by it. */
  id: string;
  label: string;
  /** null: not measured (yet); `note` says why. */
  value: number | null;
  unit: string;
  baseline?: Baseline;
  /** value / baseline.value, when both exist. */
  ratio?: number | null;
  target?: Target;
  /** The workload size, printed so a scaled-down run is never mistaken for the full one. */
  size?: string;
  note?: string;
}

export interface Baseline {
  label: string;
  value: number;
  unit: string;
}

export interface Target {
  text: string;
  met: boolean;
}

export type Scale = "full" | "tiny";

export interface BenchContext {
  /** "tiny" runs every benchmark in seconds (the harness test); "full" is `pnpm bench`. */
  scale: Scale;
  /** A fresh empty directory, removed after the run. */
  tempDir(): string;
  log(message: string): void;
}

/** A benchmark module: one file in src/benchmarks, listed in the registry of main.ts. */
export interface Benchmark {
  name: string;
  title: string;
  run(context: BenchContext): Promise<Figure[]>;
}

/** A figure judged against a baseline: fills in the ratio. */
export function compared(figure: Omit<Figure, "ratio">): Figure {
  const base = figure.baseline?.value;
  const ratio = figure.value !== null && base !== undefined && base !== 0 ? figure.value / base : null;
  return { ...figure, ratio };
}

/** A figure another module will measure: printed as "not measured yet", never invented. */
export function notMeasuredYet(id: string, label: string, unit: string, note: string): Figure {
  return { id, label, value: null, unit, ratio: null, note };
}
