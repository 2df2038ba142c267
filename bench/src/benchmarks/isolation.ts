import type { Definition } from "@sagaflow/shared";
import { startServer } from "../../../apps/web/e2e/support/server";
import {
  builtinActions,
  createInProcessExecutor,
  createIsolateEvaluator,
  createJsonataEvaluator,
  createPoolExecutor,
  Engine,
  MemoryRunStore,
} from "../engine";
import { stopServer } from "../harness/server-process";
import { formatCount, percentile } from "../harness/stats";
import { type Benchmark, compared, type Figure } from "../types";
import { trpcClient } from "./server";

/**
 * What isolation costs and what it buys (issue 12). The API's latency while one run of many quick steps
 * is hot, against the same server idle; a one-step run's latency next to a hot run, against a quiet
 * engine; and the price of crossing to a worker thread and to the expression isolate, per call.
 */

const hotLoop = (steps: number): Definition => ({
  name: "bench-hot",
  startAt: "count",
  states: {
    count: {
      type: "task",
      action: "transform",
      params: { value: "{% ($steps.count ? $steps.count : 0) + 1 %}" },
      maxVisits: steps + 10,
      next: "again",
    },
    again: {
      type: "choice",
      choices: [{ when: `{% $steps.count < ${steps / 2} %}`, next: "count" }],
      otherwise: "done",
      maxVisits: steps + 10,
    },
    done: { type: "succeed" },
  },
});

const oneStep: Definition = {
  name: "bench-one",
  startAt: "go",
  states: { go: { type: "task", action: "transform", params: { value: 1 }, end: true } },
};

async function apiWhileHot(steps: number) {
  const server = await startServer();
  try {
    const api = trpcClient(server.url);
    for (const definition of [hotLoop(steps), oneStep]) await api.definitions.save.mutate({ definition });
    const sample = async (until: () => boolean, count: number) => {
      const list: number[] = [];
      const one: number[] = [];
      while (until() && list.length < count) {
        let began = performance.now();
        await api.runs.list.query({ limit: 50 });
        list.push(performance.now() - began);
        began = performance.now();
        const { runId } = await api.runs.start.mutate({ name: "bench-one" });
        for (;;) {
          const { run } = await api.runs.get.query({ runId });
          if (run.status === "succeeded") break;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        one.push(performance.now() - began);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { list, one };
    };
    const idle = await sample(() => true, 30);
    const hotStarted = performance.now();
    const { runId } = await api.runs.start.mutate({ name: "bench-hot" });
    let hotDone = false;
    const waitHot = (async () => {
      for (;;) {
        const { run } = await api.runs.get.query({ runId });
        if (run.status !== "running") return run.status;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })().finally(() => {
      hotDone = true;
    });
    const hot = await sample(() => !hotDone, 10_000);
    const status = await waitHot;
    if (status !== "succeeded") throw new Error(`the hot run ended ${status}`);
    // What fairness costs the hot run: it shares the thread with every call the sampler makes.
    const hotMs = performance.now() - hotStarted;
    return { idle, hot, hotMs };
  } finally {
    await stopServer(server);
  }
}

/**
 * Microseconds per call of `call`, after a warm-up, timed in nanoseconds: an in-process `transform` now
 * answers synchronously in well under a microsecond, and a few of them fit in one `performance.now()` tick.
 */
async function perCall(count: number, call: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(50, count); i += 1) await call();
  const began = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await call();
  return Number(process.hrtime.bigint() - began) / 1000 / count;
}

async function crossing(count: number) {
  const request = {
    runId: "r",
    stateId: "s",
    attempt: 1,
    idempotencyKey: "r:s:1",
    action: "transform",
    params: { value: { n: 1 } },
    timeoutMs: 10_000,
  };
  const logger = { info() {}, warn() {}, error() {} };
  const local = createInProcessExecutor({
    actions: new Map(builtinActions.map((action) => [action.name, action])),
    resolvePath: (path) => path,
    logger,
  });
  const pool = createPoolExecutor({
    setup: () => ({
      roots: [],
      protectedFiles: [],
      workingDir: process.cwd(),
      http: { allow: [], deny: [] },
    }),
    logger,
  });
  const signal = new AbortController().signal;
  try {
    const inProcessUs = await perCall(count, () => local.execute(request, signal));
    const poolUs = await perCall(count, () => pool.execute(request, signal));
    const bindings = { input: { n: 1 }, steps: { a: 1 }, run: { id: "r", workflow: "w", version: 1 } };
    const isolate = createIsolateEvaluator();
    const jsonata = createJsonataEvaluator();
    const isolateUs = await perCall(count, () => isolate.evaluate("$input.n + $steps.a", bindings));
    const jsonataUs = await perCall(count, () => jsonata("$input.n + $steps.a", bindings));
    isolate.close();
    return { inProcessUs, poolUs, isolateUs, jsonataUs };
  } finally {
    await pool.close();
  }
}

/** A one-step run on an engine in this process with nothing else to do: the quiet baseline. */
async function quietOneStep(count: number): Promise<number[]> {
  const engine = new Engine({ store: new MemoryRunStore(), actions: builtinActions });
  try {
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const began = performance.now();
      await engine.waitFor(await engine.start(oneStep));
      times.push(performance.now() - began);
    }
    return times;
  } finally {
    await engine.close();
  }
}

export const isolation: Benchmark = {
  name: "isolation",
  title: "Isolation: the API next to a hot run, and the cost of crossing",
  async run(context): Promise<Figure[]> {
    const steps = context.scale === "tiny" ? 400 : 10_000;
    const calls = context.scale === "tiny" ? 200 : 2_000;
    const { idle, hot, hotMs } = await apiWhileHot(steps);
    const quiet = await quietOneStep(30);
    const cost = await crossing(calls);
    context.log(
      `isolation: ${hot.list.length} runs.list calls while ${formatCount(steps)} steps ran; ` +
        `pool ${cost.poolUs.toFixed(0)} µs/call, isolate ${cost.isolateUs.toFixed(0)} µs/eval`,
    );
    const size = `${formatCount(steps)}-step run; ${hot.list.length} calls hot, ${idle.list.length} idle`;
    return [
      compared({
        id: "isolation.list.p95.hot",
        label: "runs.list p95 while a long run of quick steps executes",
        value: percentile(hot.list, 95),
        unit: "ms",
        baseline: { label: "same server idle, p95", value: percentile(idle.list, 95), unit: "ms" },
        target: { text: "< 50 ms", met: percentile(hot.list, 95) < 50 },
        size,
        note: `the hot run took ${(hotMs / 1000).toFixed(1)} s (${formatCount(Math.round((steps * 1000) / hotMs))} steps/s) while the API was called`,
      }),
      compared({
        id: "isolation.one-step.p50.hot",
        label: "one-step run, start to succeeded over tRPC, p50, next to the hot run",
        value: percentile(hot.one, 50),
        unit: "ms",
        baseline: { label: "same, the server otherwise idle", value: percentile(idle.one, 50), unit: "ms" },
        size,
        note: `quiet in-process engine p50: ${percentile(quiet, 50).toFixed(2)} ms`,
      }),
      compared({
        id: "isolation.cross.pool",
        label: "an action in the worker pool, per call",
        value: cost.poolUs,
        unit: "µs",
        baseline: { label: "the same action in process", value: cost.inProcessUs, unit: "µs" },
        size: `${formatCount(calls)} sequential transform calls`,
      }),
      compared({
        id: "isolation.cross.isolate",
        label: "an expression in the isolate, per evaluation",
        value: cost.isolateUs,
        unit: "µs",
        baseline: { label: "JSONata in this thread", value: cost.jsonataUs, unit: "µs" },
        size: `${formatCount(calls)} sequential evaluations`,
      }),
    ];
  },
};
