import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchContext, Benchmark, Figure, Scale } from "../types";

export interface RunOutcome {
  figures: Figure[];
  errors: Record<string, string>;
}

/**
 * Runs benchmarks one after another (never in parallel: they would measure each other). A benchmark that
 * throws is reported by name and the others still run.
 */
export async function runBenchmarks(
  benchmarks: readonly Benchmark[],
  options: { scale: Scale; log?: (message: string) => void },
): Promise<RunOutcome> {
  const log = options.log ?? (() => {});
  const figures: Figure[] = [];
  const errors: Record<string, string> = {};
  for (const benchmark of benchmarks) {
    const directories: string[] = [];
    const context: BenchContext = {
      scale: options.scale,
      log,
      tempDir() {
        const directory = mkdtempSync(join(tmpdir(), `sagaflow-bench-${benchmark.name}-`));
        directories.push(directory);
        return directory;
      },
    };
    const started = performance.now();
    log(`▶ ${benchmark.name}: ${benchmark.title}`);
    try {
      figures.push(...(await benchmark.run(context)));
      log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      errors[benchmark.name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`  FAILED: ${errors[benchmark.name]}`);
    } finally {
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    }
  }
  return { figures, errors };
}
