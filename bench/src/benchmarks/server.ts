import http from "node:http";
import { join } from "node:path";
import type { Definition } from "@sagaflow/shared";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "../../../apps/server/src/router/root";
import { startServer } from "../../../apps/web/e2e/support/server";
import { builtinActions, Engine, openSqliteStore } from "../engine";
import { stopServer } from "../harness/server-process";
import { formatCount, percentile, perSecond } from "../harness/stats";
import { type Benchmark, compared, type Figure } from "../types";

/**
 * The server as a client sees it: `sagaflow serve` in its own process (a temp database, default store
 * settings), driven over tRPC HTTP by @trpc/client. A few clients start runs of a one-task workflow as
 * fast as the server answers; meanwhile another client calls `runs.list` again and again. Baselines in the
 * same run: the same starts on an Engine in this process (same store settings, no HTTP), and `runs.list`
 * on the same server once it is idle again (all runs finished, so it holds as many runs as at the end of
 * the load).
 */

type Client = TRPCClient<AppRouter>;

const WORKFLOW = "bench-tiny";
const CLIENTS = 4;
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

/**
 * A tRPC mutation as its HTTP request (POST /trpc/<path>, the input as the JSON body) on a keep-alive
 * connection. The load's clients use it instead of @trpc/client: on fetch (undici) a call costs the
 * client ~2 ms of CPU, as much as the server spends answering it, and on 2 shared cores the client's
 * cost would be charged to the server.
 */
export function trpcMutation(url: string): (path: string, input: unknown) => Promise<unknown> {
  const agent = new http.Agent({ keepAlive: true });
  return (path, input) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(input);
      const request = http.request(
        `${url}/trpc/${path}`,
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
            const answer = JSON.parse(text) as { result?: { data: unknown }; error?: { message: string } };
            if (answer.error) reject(new Error(`${path}: ${answer.error.message}`));
            else resolve(answer.result?.data);
          });
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.end(body);
    });
}

/** `runs` starts split over CLIENTS concurrent loops, each one call at a time; resolves with the wall ms. */
export async function startAll(runs: number, start: (i: number) => Promise<unknown>): Promise<number> {
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
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

async function waitUntilIdle(api: Client): Promise<void> {
  for (;;) {
    const open = await api.runs.list.query({ workflow: WORKFLOW, status: ["running", "waiting"], limit: 1 });
    if (open.runs.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The same starts on an in-process Engine: store opened as the server opens it, runs run to the end. */
async function startInProcess(dbPath: string, runs: number): Promise<number> {
  const store = openSqliteStore(dbPath);
  const engine = new Engine({ store, actions: builtinActions });
  try {
    const ids: string[] = [];
    const ms = await startAll(runs, async (i) =>
      ids.push(await engine.start(tinyDefinition, { who: `b${i}` })),
    );
    await Promise.all(ids.map((id) => engine.waitFor(id)));
    return ms;
  } finally {
    await engine.close();
    await store.close();
  }
}

async function overTrpc(runs: number) {
  const server = await startServer();
  try {
    const api = trpcClient(server.url);
    await api.definitions.save.mutate({ definition: tinyDefinition });
    const starters = Array.from({ length: CLIENTS }, () => trpcMutation(server.url));
    const load = startAll(runs, (i) =>
      (starters[i % CLIENTS] as ReturnType<typeof trpcMutation>)("runs.start", {
        name: WORKFLOW,
        input: { who: `b${i}` },
      }),
    );
    const [startMs, underLoad] = await Promise.all([load, listLatencies(api, { until: load })]);
    await waitUntilIdle(api);
    const idle = await listLatencies(api, { count: Math.max(30, underLoad.length) });
    return { startMs, underLoad, idle };
  } finally {
    await stopServer(server);
  }
}

export const server: Benchmark = {
  name: "server",
  title: "Server over tRPC",
  async run(context): Promise<Figure[]> {
    const runs = context.scale === "tiny" ? 40 : 1_000;
    const inProcessMs = await startInProcess(join(context.tempDir(), "in-process.db"), runs);
    const { startMs, underLoad, idle } = await overTrpc(runs);
    context.log(
      `server: ${runs} starts in ${startMs.toFixed(0)} ms over tRPC (${inProcessMs.toFixed(0)} ms in process); ` +
        `${underLoad.length} runs.list calls under load, ${idle.length} idle`,
    );
    const size = `${formatCount(runs)} runs, ${CLIENTS} clients`;
    const listSize = `${formatCount(underLoad.length)} calls under load, ${formatCount(idle.length)} idle`;
    const list = (p: number): Figure =>
      compared({
        id: `server.list.p${p}`,
        label: `runs.list latency p${p} under start load`,
        value: percentile(underLoad, p),
        unit: "ms",
        baseline: { label: `same server idle, p${p}`, value: percentile(idle, p), unit: "ms" },
        size: listSize,
        note: "runs.list of the newest 50 runs, one call at a time, while the starts are in flight",
      });
    return [
      compared({
        id: "server.start.rate",
        label: "Runs started/s over tRPC",
        value: perSecond(runs, startMs),
        unit: "runs/s",
        baseline: {
          label: "Engine.start in process, same store",
          value: perSecond(runs, inProcessMs),
          unit: "runs/s",
        },
        size,
        note: "sagaflow serve in a child process (synchronous=FULL, as served); a one-task workflow; the runs also run; each client a raw tRPC POST on a keep-alive connection (trpcMutation)",
      }),
      list(50),
      list(95),
    ];
  },
};
