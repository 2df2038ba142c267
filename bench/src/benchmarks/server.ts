import { type Benchmark, notMeasuredYet } from "../types";

/** Placeholders until the server's benchmark lands: replace `run` with the real measurement. */
export const server: Benchmark = {
  name: "server",
  title: "Server over tRPC",
  async run() {
    const note =
      "not measured yet: the server benchmark is still to be written (bench/src/benchmarks/server.ts)";
    return [
      notMeasuredYet("server.start.rate", "Runs started/s over tRPC", "runs/s", note),
      notMeasuredYet("server.list.p50", "runs.list latency p50 under start load", "ms", note),
      notMeasuredYet("server.list.p99", "runs.list latency p99 under start load", "ms", note),
    ];
  },
};
