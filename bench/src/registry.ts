import { browser } from "./benchmarks/browser";
import { chainGrowth } from "./benchmarks/chain-growth";
import { cliStartup } from "./benchmarks/cli-startup";
import { designer } from "./benchmarks/designer";
import { historyVerify } from "./benchmarks/history-verify";
import { isolation } from "./benchmarks/isolation";
import { latency } from "./benchmarks/latency";
import { liveLatency } from "./benchmarks/live-latency";
import { memory } from "./benchmarks/memory";
import { operatorCalls } from "./benchmarks/operator-calls";
import { postgres } from "./benchmarks/postgres";
import { recovery } from "./benchmarks/recovery";
import { runViewHistory } from "./benchmarks/run-view-history";
import { runsList } from "./benchmarks/runs-list";
import { server } from "./benchmarks/server";
import { throughput } from "./benchmarks/throughput";
import { xstateOverhead } from "./benchmarks/xstate-overhead";
import type { Benchmark } from "./types";

/** Every benchmark `pnpm bench` runs, in this order. Add a module in src/benchmarks, then list it here. */
export const registry: readonly Benchmark[] = [
  throughput,
  xstateOverhead,
  latency,
  recovery,
  historyVerify,
  memory,
  chainGrowth,
  server,
  operatorCalls,
  browser,
  designer,
  liveLatency,
  runViewHistory,
  runsList,
  isolation,
  postgres,
  cliStartup,
];
