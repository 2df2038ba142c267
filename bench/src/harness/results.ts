import { mkdirSync, writeFileSync } from "node:fs";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import type { Figure, Scale } from "../types";

export interface BenchResults {
  name: string;
  startedAt: string;
  durationMs: number;
  scale: Scale;
  machine: Machine;
  figures: Figure[];
  /** Benchmarks that threw, by name: their figures are missing. */
  errors: Record<string, string>;
}

export interface Machine {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  loadAverage?: number[];
}

export function describeMachine(loadAverage: number[]): Machine {
  const cores = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverage,
  };
}

/** Writes results/<name>.json and results/latest.json; returns the first path. */
export function writeResults(directory: string, results: BenchResults): string {
  mkdirSync(directory, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const path = join(directory, `${results.name}.json`);
  writeFileSync(path, text);
  writeFileSync(join(directory, "latest.json"), text);
  return path;
}
