import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { StoredEvent } from "@sagaflow/engine";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import { type RunningSagaflow, type SagaflowServerOptions, startSagaflowServer } from "../src/app";
import { silentLogger } from "../src/logger";
import type { AppRouter } from "../src/router/root";

export type Client = TRPCClient<AppRouter>;

export interface TestServer {
  server: RunningSagaflow;
  client: Client;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}

/** A real server on a random port with a temp SQLite file; no examples seeded unless asked. */
export async function startTestServer(options: Partial<SagaflowServerOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-server-"));
  const dbPath = path.join(dir, "sagaflow.db");
  const server = await startSagaflowServer({
    dbPath,
    port: 0,
    examplesDir: null,
    webDist: path.join(dir, "no-web-build"),
    logger: silentLogger,
    ...options,
  });
  const client = createClient(server.url, options.token);
  return {
    server,
    client,
    dir,
    dbPath,
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The tRPC client as the web app builds it: batching for calls, SSE for subscriptions. */
export function createClient(url: string, token?: string): Client {
  const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          ...(token
            ? {
                eventSourceOptions: () => ({
                  fetch: (input: string | URL | Request, init?: RequestInit) =>
                    fetch(input, {
                      ...init,
                      headers: { ...(init?.headers as Record<string, string>), ...headers },
                    }),
                }),
              }
            : {}),
        }),
        false: httpBatchLink({ url: `${url}/trpc`, ...(headers ? { headers } : {}) }),
      }),
    ],
  });
}

const TERMINAL_EVENTS = new Set([
  "RunSucceeded",
  "RunFailed",
  "RunCompensated",
  "CompensationFailed",
  "RunCanceled",
]);

/**
 * Subscribes to a run's events and collects them until `stopWhen` says so (default: a terminal event),
 * with each event's tracked id.
 */
export function collectRunEvents(
  client: Client,
  input: { runId: string; lastEventId?: string },
  stopWhen: (event: StoredEvent, all: StoredEvent[]) => boolean = (event) =>
    TERMINAL_EVENTS.has(event.event.type),
  timeoutMs = 15_000,
): Promise<{ events: StoredEvent[]; ids: string[] }> {
  return new Promise((resolve, reject) => {
    const events: StoredEvent[] = [];
    const ids: string[] = [];
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(
        new Error(`timed out with ${events.length} events: ${events.map((e) => e.event.type).join(", ")}`),
      );
    }, timeoutMs);
    const subscription = client.runs.events.subscribe(input, {
      onData: (envelope) => {
        ids.push(envelope.id);
        events.push(envelope.data as StoredEvent);
        if (stopWhen(envelope.data as StoredEvent, events)) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve({ events, ids });
        }
      },
      onError: (error) => {
        clearTimeout(timer);
        subscription.unsubscribe();
        reject(error);
      },
    });
  });
}

/** A small workflow of real built-in actions: transform, a short delay, succeed. */
export function helloDefinition(name = "hello", delay = "30ms") {
  return {
    name,
    title: "Hello",
    inputSchema: {
      type: "object",
      properties: { who: { type: "string", minLength: 1 } },
      required: ["who"],
      additionalProperties: false,
    },
    startAt: "greet",
    states: {
      greet: {
        type: "task",
        action: "transform",
        params: { value: "{% 'hi ' & $input.who %}" },
        idempotent: true,
        next: "pause",
      },
      pause: { type: "task", action: "delay", params: { duration: delay }, idempotent: true, next: "done" },
      done: { type: "succeed", output: "{% $steps.greet %}" },
    },
  };
}

/** A workflow that waits for a signal, so a test controls when it moves on. */
export function approvalDefinition(name = "wait-for-go") {
  return {
    name,
    startAt: "wait_go",
    states: {
      wait_go: { type: "signal", signal: "go", next: "done" },
      done: { type: "succeed" },
    },
  };
}

/** Polls until `check` holds (real time, so only for waiting, never for asserting durations). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
