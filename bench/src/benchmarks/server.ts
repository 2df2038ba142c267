import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import type { Definition } from "@sagaflow/shared";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "../../../apps/server/src/router/root";
import { startServer } from "../../../apps/web/e2e/support/server";
import { builtinActions, Engine, openSqliteStore } from "../engine";
import { stopServer } from "../harness/server-process";
import { formatCount, percentile, perSecond } from "../harness/stats";
import { type Benchmark, compared, type Figure, notMeasuredYet } from "../types";

/**
 * The server as a client sees it: `sagaflow serve` in its own process (a temp database, default store
 * settings), driven over tRPC HTTP. CLIENTS loops start runs of a one-task workflow as fast as the server
 * answers, their calls batched as @trpc/client's httpBatchLink batches them (and once more with one POST
 * per call); meanwhile another client calls `runs.list` again and again. Baselines in the same run: the
 * same starts from as many loops on an Engine in this process (FULL, as `openSqliteStore` opens it, no
 * HTTP), each side timed until the runs it started have finished, best of three rounds (`Load`), and `runs.list` on the same server once it is idle again (all runs finished, so it holds as many
 * runs as at the end of the load). Once more with FEW_CLIENTS loops on both sides: a load that the round
 * trip bounds, not the server.
 */

type Client = TRPCClient<AppRouter>;

const WORKFLOW = "bench-tiny";
/**
 * Concurrent callers, each one call at a time: a load that saturates the server, so its capacity bounds
 * the rate. With 4, each caller spends most of its cycle on the round trip (httpBatchLink dispatches on a
 * timer Node makes at least 1 ms, plus the client's CPU) while the server's main thread idles half the
 * time: that row (FEW_CLIENTS, below) measures latency. Both sides get the same callers. Measured in one
 * session, tRPC ÷ in process: 4 callers 0.23–0.29×, 16 0.44×, 32 0.46–0.55×, 64 0.52×; from 32 on the
 * serve process's main thread is busy all the time (~0.18 ms per run against ~0.1 ms for the bare engine:
 * HTTP, tRPC, the commit hook), and larger batches amortise what each POST and each sync costs.
 */
export const CLIENTS = 64;
/** The latency-bound load of earlier sessions, kept as its own row. */
const FEW_CLIENTS = 4;
/** The list a user's runs page asks for. */
const LIST_QUERY = { limit: 50 };

export const tinyDefinition: Definition = {
  name: WORKFLOW,
  startAt: "greet",
  states: {
    greet: { type: "task", action: "transform", params: { value: "{% 'hi ' & $input.who %}" }, next: "done" },
    done: { type: "succeed" },
  },
};

export const trpcClient = (url: string): Client =>
  createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc` })] });

type Mutation = (path: string, input: unknown) => Promise<unknown>;

/** One tRPC answer envelope; an error rejects the call with its message. */
function settle(path: string, answer: { result?: { data: unknown }; error?: { message: string } }) {
  if (answer.error) throw new Error(`${path}: ${answer.error.message}`);
  return answer.result?.data;
}

/** POSTs a body on a keep-alive agent; resolves with the parsed JSON answer. */
function postJson(agent: http.Agent, url: string, body: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * A tRPC mutation as its HTTP request (POST /trpc/<path>, the input as the JSON body) on a keep-alive
 * connection, one request per call. The load's clients send the requests themselves instead of using
 * @trpc/client: on fetch (undici) a call costs the client ~2 ms of CPU, as much as the server spends
 * answering it, and on 2 shared cores the client's cost would be charged to the server.
 */
export function trpcMutation(url: string): Mutation {
  const agent = new http.Agent({ keepAlive: true });
  return async (path, input) =>
    settle(path, (await postJson(agent, `${url}/trpc/${path}`, JSON.stringify(input))) as never);
}

/**
 * What @trpc/client's `httpBatchLink` (the web app's link, tRPC's default) sends: the calls made before
 * the next timer turn go in one POST /trpc/<path>,<path>?batch=1 with the inputs keyed by index, and each
 * call gets its own answer from the array that comes back (once every call of the batch is done, so each
 * start is still acknowledged only once its commit is durable). Written out for the same reason as
 * `trpcMutation`.
 */
export function trpcBatchedMutation(url: string): Mutation {
  const agent = new http.Agent({ keepAlive: true });
  let queue: {
    path: string;
    input: unknown;
    resolve: (data: unknown) => void;
    reject: (error: unknown) => void;
  }[] = [];
  const dispatch = () => {
    const calls = queue;
    queue = [];
    const body = JSON.stringify(Object.fromEntries(calls.map((call, index) => [index, call.input])));
    postJson(agent, `${url}/trpc/${calls.map((call) => call.path).join(",")}?batch=1`, body).then(
      (answers) => {
        for (const [index, call] of calls.entries()) {
          try {
            call.resolve(
              settle(call.path, (answers as never[])[index] ?? { error: { message: "no answer" } }),
            );
          } catch (error) {
            call.reject(error);
          }
        }
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
      },
    );
  };
  return (path, input) =>
    new Promise((resolve, reject) => {
      queue.push({ path, input, resolve, reject });
      if (queue.length === 1) setTimeout(dispatch);
    });
}

/**
 * Starts made (and finished) before the measured ones, in process and on each server alike: a served
 * process runs for days, so the figure is its steady state, not V8 compiling the path on the first calls.
 * As many as are measured: after 200 the served process still spent ~0.16 ms more CPU per run (0.77–0.78
 * against 0.61–0.62 ms after 1,200; its path — HTTP, tRPC, zod — is longer than the engine's), while the
 * in-process engine was already steady (0.355–0.364 against 0.325–0.371 ms).
 */
const warmUp = (runs: number) => runs;

/** `runs` starts split over `clients` concurrent loops, each one call at a time; resolves with the wall ms. */
export async function startAll(
  runs: number,
  start: (i: number) => Promise<unknown>,
  clients = CLIENTS,
): Promise<number> {
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < runs) await start(next++);
    }),
  );
  return performance.now() - began;
}

/** Calls `runs.list` one at a time until `until` resolves (or `count` calls are made); the latencies in ms. */
async function listLatencies(
  api: Client,
  stop: { until?: Promise<unknown>; count?: number },
): Promise<number[]> {
  let done = false;
  void stop.until?.then(() => {
    done = true;
  });
  const latencies: number[] = [];
  while (!done && latencies.length < (stop.count ?? Number.POSITIVE_INFINITY)) {
    const began = performance.now();
    await api.runs.list.query(LIST_QUERY);
    latencies.push(performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a user's page, not a busy loop
  }
  return latencies;
}

/** How often a measured load asks whether its runs have finished: a small share of a ~0.3 s window. */
export const FINISH_POLL_MS = 5;

/** Until no run of `workflow` is running or waiting, asked every `pollMs`. */
export async function waitUntilIdle(api: Client, pollMs = 50, workflow = WORKFLOW): Promise<void> {
  for (;;) {
    const open = await api.runs.list.query({ workflow, status: ["running", "waiting"], limit: 1 });
    if (open.runs.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * CPU time (ms) of the `sagaflow serve` listening on `port` (and its pnpm launcher), worker threads
 * included: every process whose command line holds `serve … --port <port>`, from /proc (Linux; clock ticks
 * of 10 ms). On a loaded machine wall rates swing 2× between runs; CPU per run is the steadier measure.
 */
function serveCpuMs(port: number): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      const at = args.indexOf("--port");
      if (!args.includes("serve") || at === -1 || args[at + 1] !== String(port)) continue;
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10;
}

/** A CPU figure, or "not measured yet" where /proc did not show the serve process (not Linux). */
function cpuFigure(serverCpuMs: number, figure: Omit<Figure, "ratio">): Figure {
  if (serverCpuMs > 0) return compared(figure);
  return notMeasuredYet(figure.id, figure.label, figure.unit, "not measured yet: no serve process in /proc");
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/**
 * One measured load: the wall ms until the last start was answered, and until every run it started had
 * finished. The rate compared is the second: in process the starts' window ends with about half of the
 * runs' work still queued (measured with 64 loops: 6,000 starts answered in 440–530 ms, all finished at
 * 830–910 ms), while a server interleaves the runs' work with
 * the requests (finished ~6 ms after the last answer). Runs started and finished per second is the same
 * work on both sides; the starts' window alone is reported too (`server.start.window`).
 */
interface Load {
  startMs: number;
  doneMs: number;
}

/** Measured rounds a side, after the warm-up: the best is reported (the throughput bench's rule). */
export const ROUNDS = 3;

/** The round that finished its runs soonest. */
const best = (loads: Load[]): Load =>
  loads.reduce((fastest, load) => (load.doneMs < fastest.doneMs ? load : fastest));

/** The same starts on an in-process Engine: store opened as the server opens it, runs run to the end. */
async function startInProcess(
  dbPath: string,
  runs: number,
  clients: number,
): Promise<{ load: Load; cpuMs: number }> {
  const store = openSqliteStore(dbPath);
  const engine = new Engine({ store, actions: builtinActions });
  try {
    const startAndFinish = async (count: number, tag: string): Promise<Load> => {
      const ids: string[] = [];
      const began = performance.now();
      const startMs = await startAll(
        count,
        async (i) => ids.push(await engine.start(tinyDefinition, { who: `${tag}${i}` })),
        clients,
      );
      await Promise.all(ids.map((id) => engine.waitFor(id)));
      return { startMs, doneMs: performance.now() - began };
    };
    await startAndFinish(warmUp(runs), "w");
    const cpu = process.cpuUsage();
    const loads: Load[] = [];
    for (let round = 0; round < ROUNDS; round += 1) loads.push(await startAndFinish(runs, `r${round}-`));
    return { load: best(loads), cpuMs: cpuMsSince(cpu) / ROUNDS };
  } finally {
    await engine.close();
    await store.close();
  }
}

/**
 * Starts `runs` runs over tRPC on a fresh server; with `list`, runs.list is called meanwhile and on the
 * idle server after. Batched: the `clients` loops share one batching client (httpBatchLink's requests);
 * else each loop sends its own POST per call on its own connection.
 */
async function overTrpc(runs: number, options: { batched: boolean; list: boolean; clients: number }) {
  const { clients } = options;
  const server = await startServer();
  try {
    const api = trpcClient(server.url);
    await api.definitions.save.mutate({ definition: tinyDefinition });
    const shared = options.batched ? trpcBatchedMutation(server.url) : undefined;
    const starters = Array.from({ length: clients }, () => shared ?? trpcMutation(server.url));
    const start = (i: number) =>
      (starters[i % clients] as Mutation)("runs.start", { name: WORKFLOW, input: { who: `b${i}` } });
    await startAll(warmUp(runs), start, clients);
    await waitUntilIdle(api);
    const cpuBefore = serveCpuMs(server.port);
    const loads: Load[] = [];
    let underLoad: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const began = performance.now();
      const load = startAll(runs, start, clients);
      const [startMs, latencies] = await Promise.all([
        load,
        // Once, in the first round: the list latencies are figures of their own, not a best of three.
        options.list && round === 0 ? listLatencies(api, { until: load }) : [],
      ]);
      if (round === 0) underLoad = latencies;
      await waitUntilIdle(api, FINISH_POLL_MS);
      loads.push({ startMs, doneMs: performance.now() - began });
    }
    // The runs' own steps included, as in process; with `list`, the runs.list calls too.
    const serverCpuMs = (serveCpuMs(server.port) - cpuBefore) / ROUNDS;
    if (!options.list) return { load: best(loads), serverCpuMs, underLoad, idle: [] };
    const idle = await listLatencies(api, { count: Math.max(30, underLoad.length) });
    return { load: best(loads), serverCpuMs, underLoad, idle };
  } finally {
    await stopServer(server);
  }
}

export const server: Benchmark = {
  name: "server",
  title: "Server over tRPC",
  async run(context): Promise<Figure[]> {
    const runs = context.scale === "tiny" ? 40 : 2_000;
    const inProcessRun = await startInProcess(join(context.tempDir(), "in-process.db"), runs, CLIENTS);
    const inProcessLoad = inProcessRun.load;
    // runs.list is measured next to the unbatched starts (the heavier load), so the batched row is clean.
    const batched = await overTrpc(runs, { batched: true, list: false, clients: CLIENTS });
    const unbatched = await overTrpc(runs, { batched: false, list: true, clients: CLIENTS });
    const { underLoad, idle } = unbatched;
    const fewInProcess = await startInProcess(
      join(context.tempDir(), "in-process-few.db"),
      runs,
      FEW_CLIENTS,
    );
    const few = await overTrpc(runs, { batched: true, list: false, clients: FEW_CLIENTS });
    const ms = (load: Load) => `${load.startMs.toFixed(0)}/${load.doneMs.toFixed(0)} ms`;
    context.log(
      `server: ${runs} runs from ${CLIENTS} loops, answered/finished in ${ms(batched.load)} over tRPC batched, ` +
        `${ms(unbatched.load)} one POST per call (${ms(inProcessLoad)} in process); ` +
        `from ${FEW_CLIENTS} loops ${ms(few.load)} batched (${ms(fewInProcess.load)} in process); ` +
        `${underLoad.length} runs.list calls under load, ${idle.length} idle`,
    );
    const size = `${formatCount(runs)} runs, ${CLIENTS} clients, best of ${ROUNDS}`;
    const listSize = `${formatCount(underLoad.length)} calls under load, ${formatCount(idle.length)} idle`;
    const list = (p: number): Figure =>
      compared({
        id: `server.list.p${p}`,
        label: `runs.list latency p${p} under start load`,
        value: percentile(underLoad, p),
        unit: "ms",
        baseline: { label: `same server idle, p${p}`, value: percentile(idle, p), unit: "ms" },
        size: listSize,
        note: "runs.list of the newest 50 runs, one call at a time, while the starts (one POST per call) are in flight",
      });
    const inProcess = {
      label: "Engine.start in process, same store, same loops",
      value: perSecond(runs, inProcessLoad.doneMs),
      unit: "runs/s",
    };
    const inProcessCpu = {
      label: "Engine.start and its run in process",
      value: inProcessRun.cpuMs / runs,
      unit: "ms",
    };
    const rate = perSecond(runs, batched.load.doneMs);
    return [
      compared({
        id: "server.start.rate",
        label: "Runs started/s over tRPC (httpBatchLink's requests), each run finished",
        value: rate,
        unit: "runs/s",
        baseline: inProcess,
        size,
        target: { text: "≥ 0.5 × in process", met: rate >= 0.5 * inProcess.value },
        note: `sagaflow serve in a child process (durable as synchronous=FULL: WAL synced before each answer); a one-task workflow; ${CLIENTS} concurrent callers, each one call at a time, their calls of one timer turn in one POST ?batch=1, as @trpc/client's httpBatchLink sends them (trpcBatchedMutation); timed from the first start until every run it started has finished, on both sides (in process the starts' window leaves about half of the runs' work queued: server.start.window)`,
      }),
      compared({
        id: "server.start.window",
        label: "Starts answered/s over tRPC, the starts' window only",
        value: perSecond(runs, batched.load.startMs),
        unit: "runs/s",
        baseline: {
          label: "Engine.start in process, the starts' window only",
          value: perSecond(runs, inProcessLoad.startMs),
          unit: "runs/s",
        },
        size,
        note: "the same rounds as server.start.rate, timed until the last start was answered: in process the runs' steps mostly wait until the starts are done, over tRPC they run meanwhile, so the two sides did different work in this window",
      }),
      compared({
        id: "server.start.rate.unbatched",
        label: "Runs started/s over tRPC, one POST per call",
        value: perSecond(runs, unbatched.load.doneMs),
        unit: "runs/s",
        baseline: inProcess,
        size,
        note: "as above, each client a raw tRPC POST per call on its own keep-alive connection (trpcMutation, httpLink's requests)",
      }),
      compared({
        id: "server.start.rate.few",
        label: `Runs started/s over tRPC, ${FEW_CLIENTS} callers (latency-bound)`,
        value: perSecond(runs, few.load.doneMs),
        unit: "runs/s",
        baseline: {
          label: `Engine.start in process, ${FEW_CLIENTS} loops`,
          value: perSecond(runs, fewInProcess.load.doneMs),
          unit: "runs/s",
        },
        size: `${formatCount(runs)} runs, ${FEW_CLIENTS} clients, best of ${ROUNDS}`,
        note: "as the first row with 4 callers: each waits for its answer and the batching timer (≥ 1 ms) before its next call, so the round trip, not the server, bounds the rate",
      }),
      cpuFigure(batched.serverCpuMs, {
        id: "server.start.cpu",
        label: "CPU per started run over tRPC (httpBatchLink's requests), the server's",
        value: batched.serverCpuMs / runs,
        unit: "ms",
        baseline: inProcessCpu,
        size,
        note: "CPU of the serve process (worker threads included) from the first measured start until every run finished, over the runs; in process: this process's CPU alike. The client's CPU is not counted",
      }),
      cpuFigure(unbatched.serverCpuMs, {
        id: "server.start.cpu.unbatched",
        label: "CPU per started run over tRPC, one POST per call, the server's",
        value: unbatched.serverCpuMs / runs,
        unit: "ms",
        baseline: inProcessCpu,
        size,
        note: "as above; the runs.list calls made meanwhile are counted too",
      }),
      list(50),
      list(95),
    ];
  },
};
