import { join } from "node:path";
import type { Definition } from "@sagaflow/shared";
import { startServer } from "../../../apps/web/e2e/support/server";
import { builtinActions, Engine, openSqliteStore } from "../engine";
import { stopServer } from "../harness/server-process";
import { formatCount, perSecond } from "../harness/stats";
import { type Benchmark, compared } from "../types";
import {
  CLIENTS,
  FINISH_POLL_MS,
  ROUNDS,
  startAll,
  trpcBatchedMutation,
  trpcClient,
  waitUntilIdle,
} from "./server";

/**
 * Operator calls over tRPC against the same calls in process (issue 14: "starts and operator calls over
 * tRPC reach at least 0.5× the in-process rate"): `runs.signal` to runs waiting for that signal, from
 * CLIENTS loops each one call at a time, batched as httpBatchLink batches them. Each round starts its runs
 * first (untimed; a started run is already waiting: its first commit holds the wait), then times from the
 * first signal until every signalled run has finished; three rounds a side after one warm-up round, the
 * fastest kept. In process: `Engine.signal` on the same store settings as `Engine.start` in `server.ts`
 * (FULL); over tRPC: `sagaflow serve` in its own process (durable as FULL). 4,000 signals a round (a
 * signal is one commit, half a start's work): with 2,000 the window was ~0.2 s and the first batch's round
 * trip and the last "finished?" poll weighed 2–3% of it (0.51–0.56× against 0.55–0.57× with 5,000).
 */

const SIGNAL_WORKFLOW = "bench-signal";

const signalDefinition: Definition = {
  name: SIGNAL_WORKFLOW,
  startAt: "wait",
  states: {
    wait: { type: "signal", signal: "go", next: "done" },
    done: { type: "succeed" },
  },
};

/** `rounds` timed rounds after a warm-up one; `round` starts its runs untimed and returns the timed ms. */
async function fastestRound(round: () => Promise<number>): Promise<number> {
  await round();
  let fastest = Number.POSITIVE_INFINITY;
  for (let index = 0; index < ROUNDS; index += 1) fastest = Math.min(fastest, await round());
  return fastest;
}

async function signalsInProcess(dbPath: string, runs: number): Promise<number> {
  const store = openSqliteStore(dbPath);
  const engine = new Engine({ store, actions: builtinActions });
  try {
    return await fastestRound(async () => {
      const ids: string[] = [];
      await startAll(runs, async () => ids.push(await engine.start(signalDefinition, {})), CLIENTS);
      const began = performance.now();
      await startAll(runs, (i) => engine.signal(ids[i] as string, "go"), CLIENTS);
      await Promise.all(ids.map((id) => engine.waitFor(id)));
      return performance.now() - began;
    });
  } finally {
    await engine.close();
    await store.close();
  }
}

async function signalsOverTrpc(runs: number): Promise<number> {
  const server = await startServer();
  try {
    const api = trpcClient(server.url);
    await api.definitions.save.mutate({ definition: signalDefinition });
    const call = trpcBatchedMutation(server.url);
    return await fastestRound(async () => {
      const ids: string[] = [];
      await startAll(
        runs,
        async () =>
          ids.push(((await call("runs.start", { name: SIGNAL_WORKFLOW })) as { runId: string }).runId),
        CLIENTS,
      );
      const began = performance.now();
      await startAll(runs, (i) => call("runs.signal", { runId: ids[i], name: "go" }), CLIENTS);
      await waitUntilIdle(api, FINISH_POLL_MS, SIGNAL_WORKFLOW);
      return performance.now() - began;
    });
  } finally {
    await stopServer(server);
  }
}

export const operatorCalls: Benchmark = {
  name: "operator",
  title: "Operator calls over tRPC",
  async run(context) {
    const runs = context.scale === "tiny" ? 40 : 4_000;
    const inProcessMs = await signalsInProcess(join(context.tempDir(), "signals.db"), runs);
    const trpcMs = await signalsOverTrpc(runs);
    context.log(
      `operator: ${runs} signals in ${trpcMs.toFixed(0)} ms over tRPC, ${inProcessMs.toFixed(0)} ms in process`,
    );
    const rate = perSecond(runs, trpcMs);
    const inProcess = perSecond(runs, inProcessMs);
    return [
      compared({
        id: "operator.signal.rate",
        label: "Signals/s over tRPC (httpBatchLink's requests), each signalled run finished",
        value: rate,
        unit: "signals/s",
        baseline: {
          label: "Engine.signal in process, same store, same loops",
          value: inProcess,
          unit: "signals/s",
        },
        size: `${formatCount(runs)} waiting runs, ${CLIENTS} clients, best of ${ROUNDS}`,
        target: { text: "≥ 0.5 × in process", met: rate >= 0.5 * inProcess },
        note: `runs.signal to runs waiting on a signal state, then succeed; ${CLIENTS} concurrent callers, their calls of one timer turn in one POST ?batch=1; timed from the first signal until every signalled run finished, on both sides; the runs are started before the clock starts`,
      }),
    ];
  },
};
