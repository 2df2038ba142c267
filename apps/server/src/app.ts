import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  type ActionDefinition,
  actionCatalog,
  builtinActionsWith,
  createActionRegistry,
  createIsolatedExecutor,
  createOutboundPolicy,
  createPathPolicy,
  Engine,
  type HttpRequestOptions,
  isPostgresLocation,
  type Logger,
  leaseOwnerFor,
  loadActionsModule,
  PostgresRunStore,
  type RunStore,
  resolveStoreLocation,
} from "@sagaflow/engine";
import { DEFAULT_PAYLOAD_LIMITS } from "@sagaflow/shared";
import { leaseMsFrom, takeBackOwnRuns } from "./adopt-orphans";
import { alertFromCompensation, alertFromCrashLoop, alertFromRun, needsPerson } from "./alerts/alert";
import { AlertCenter } from "./alerts/alert-center";
import { ClusterForwarder } from "./cluster/forwarder";
import { FreeRunHints, FreeRunPuller } from "./cluster/free-runs";
import { localOperatorCalls } from "./cluster/operator-call";
import { lockSqliteFile } from "./cluster/sqlite-file-lock";
import { createHostAllowList } from "./http/host-allow-list";
import { listen } from "./http/http-server";
import { decideListenPolicy } from "./http/listen-policy";
import { createRequestListener } from "./http/request-listener";
import { createTrpcHandler } from "./http/trpc-handler";
import { createWebAppHandler } from "./http/web-app";
import { LiveFeed } from "./live/live-feed";
import { RemoteCommitRelay } from "./live/remote-commits";
import { createLogger, type LogFormat, type LogLevel } from "./logger";
import { Readiness } from "./observability/health";
import { instrumentStore } from "./observability/instrumented-store";
import { ServerMetrics } from "./observability/metrics";
import { opsRoutes } from "./observability/routes";
import { logRunLifecycle } from "./observability/run-log";
import { RunTraceIds, validTraceparent } from "./observability/trace-ids";
import { createRunTracer } from "./observability/tracing";
import { appRouter } from "./router/root";
import { toRunSummary } from "./run-summary";
import { REPO_EXAMPLES_DIR, seedExamples } from "./seed";
import type { ServerServices } from "./services";
import { groupCommits } from "./store/commit-window";
import { openServedStore } from "./store/served-store";
import type { Context } from "./trpc";
import { Slots } from "./worker/slots";
import { WorkflowSlots } from "./worker/workflow-slots";

export interface SagaflowServerOptions {
  /** SQLite file. Its folder is not open to actions: no action may touch the engine's own files. */
  dbPath: string;
  port?: number;
  host?: string;
  /** SAGAFLOW_TOKEN: required off loopback; when set, every /trpc call must present it. */
  token?: string | undefined;
  /** SAGAFLOW_ALERT_WEBHOOK: compensation_failed alerts are POSTed here. */
  alertWebhook?: string | undefined;
  /** Relative action paths resolve against it, as in the CLI ("where sagaflow runs"); default: cwd. */
  workingDir?: string;
  /** The allowed roots for action file paths (besides examples/ when seeding from it). */
  allowPaths?: string[];
  /** Host names (name or name:port) served besides the loopback names and the bound address. */
  allowedHosts?: string[];
  /** http.request's outbound policy: hosts, addresses and CIDR ranges. */
  httpAllow?: string[];
  httpDeny?: string[];
  /** http.request answers larger than this fail; default 1 MiB. */
  httpMaxResponseBytes?: number;
  /** A module of custom actions (like the CLI's --actions). */
  actionsModule?: string | undefined;
  /** At most this many action handlers run at once. */
  concurrency?: number;
  /** At most this many action handlers of one workflow run at once in this process (worker/workflow-slots.ts). */
  workflowConcurrency?: Readonly<Record<string, number>>;
  /** examples/ to seed an empty database from (and to allow as a root); null: neither. */
  examplesDir?: string | null;
  webDist?: string;
  maxBodyBytes?: number;
  /** How long shutdown waits for running actions to finish before aborting them. */
  shutdownGraceMs?: number;
  logger?: Logger;
  /** Used when no `logger` is given: `human` (default) or `json` lines on stderr. */
  logFormat?: LogFormat;
  /** Used when no `logger` is given: the least severe entry written; default `info` (logger.ts). */
  logLevel?: LogLevel;
  /** Payload limits (input, outputs, params, signals); default 256 KiB, 64 levels (--max-payload). */
  maxPayloadBytes?: number;
  /** Heap limit of each action worker thread; default 256 MB. */
  workerMemoryMb?: number;
  /** Process deaths during one step before recovery suspends its run; default 3. */
  crashLimit?: number;
  /** Where the OTEL_* variables are read (tracing); default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Decorates the store the engine uses (tests: a store that is slow, or fails). */
  wrapStore?: (store: RunStore) => RunStore;
  /** False: no HTTP at all, only the engine driving runs (`sagaflow worker`, PostgreSQL). Default true. */
  http?: boolean;
  /**
   * False (`serve --no-drive`, PostgreSQL only): runs started here are left for the workers to claim, and
   * this process takes over nobody's runs (cluster/free-runs.ts). Default true.
   */
  drive?: boolean;
}

/** Refused before anything was opened (e.g. a public bind without a token): print and exit non-zero. */
export class ServeRefusedError extends Error {
  override name = "ServeRefusedError";
}

export interface RunningSagaflow {
  url: string;
  port: number;
  /** The folders open to action file paths (the engine's database is refused in any of them). */
  roots: readonly string[];
  services: ServerServices;
  /** Graceful stop: no new requests, running actions finish (up to the grace period), the store closes. */
  close(): Promise<void>;
}

export const DEFAULTS = {
  port: 3000,
  host: "127.0.0.1",
  dbPath: "./data/sagaflow.db",
  concurrency: 64,
  maxBodyBytes: 1024 * 1024,
  shutdownGraceMs: 10_000,
} as const;

/** The composition root: opens the store, builds the engine and the API, listens, recovers. */
export async function startSagaflowServer(options: SagaflowServerOptions): Promise<RunningSagaflow> {
  const host = options.host ?? DEFAULTS.host;
  const policy = decideListenPolicy(host, options.token);
  if (!policy.ok) throw new ServeRefusedError(policy.reason);
  // Log lines about a run carry its trace id (observability/trace-ids.ts).
  const traceIds = new RunTraceIds();
  const logger =
    options.logger ??
    createLogger(options.logFormat ?? "human", (runId) => traceIds.of(runId), options.logLevel ?? "info");
  // A file path is SQLite (its folder is made, its files protected); a postgres:// URL is PostgreSQL.
  const dbPath = resolveStoreLocation(options.dbPath, process.cwd());
  const dbFiles = isPostgresLocation(dbPath) ? [] : [dbPath];
  const drive = options.drive !== false;
  if (!drive && dbFiles.length > 0)
    throw new ServeRefusedError(
      "--no-drive needs a PostgreSQL database (--db postgres://…): on a SQLite file no other process could drive the runs",
    );
  const claimPoll = refuseOnError(() => claimPollOf(options.env ?? process.env));
  for (const file of dbFiles) mkdirSync(path.dirname(file), { recursive: true });
  const examplesDir = options.examplesDir === undefined ? REPO_EXAMPLES_DIR : options.examplesDir;

  let listening: { host: string; port: number } | undefined;
  const outbound = refuseOnError(() =>
    createOutboundPolicy({
      allow: options.httpAllow ?? [],
      deny: options.httpDeny ?? [],
      self: () => listening,
    }),
  );
  const hosts = refuseOnError(() =>
    createHostAllowList({
      port: () => listening?.port ?? 0,
      bindHost: host,
      allowedHosts: options.allowedHosts ?? [],
    }),
  );
  const actions = await loadActions(options.actionsModule, {
    policy: outbound,
    ...(options.httpMaxResponseBytes ? { maxResponseBytes: options.httpMaxResponseBytes } : {}),
  });
  const catalog = actionCatalog(actions);
  // Explicit roots only: the database's folder is not one unless named (a `--db` in a checkout must
  // not open the checkout), and the database's own files are refused inside any root.
  const roots = [...(examplesDir ? [examplesDir] : []), ...(options.allowPaths ?? [])].map((root) =>
    path.resolve(root),
  );
  const pathPolicy = createPathPolicy(roots, { protectedFiles: dbFiles });
  const workingDir = options.workingDir ?? process.cwd();
  // The policy itself refuses empty and non-string paths with its own clear error.
  const resolvePath = (requested: string) =>
    pathPolicy.resolvePath(
      typeof requested === "string" && requested.trim() !== ""
        ? path.resolve(workingDir, requested)
        : requested,
    );

  const payloadLimits = {
    ...DEFAULT_PAYLOAD_LIMITS,
    ...(options.maxPayloadBytes ? { maxBytes: options.maxPayloadBytes } : {}),
  };
  // One process per SQLite file (cluster/sqlite-file-lock.ts); several share PostgreSQL through leases.
  const lock = dbFiles.length > 0 ? refuseOnError(() => lockSqliteFile(dbPath)) : undefined;
  // On PostgreSQL each commit is announced to the other instances (their live feeds relay it); SQLite's
  // WAL is synced off the event loop (store/wal-sync.ts).
  const store = openServedStore(dbPath);
  const feed = new LiveFeed();
  const alerts = new AlertCenter({
    logError: (message, details) => logger.error(message, details),
    publish: (alert) => feed.publishChange({ kind: "alert", alert }),
    webhookUrl: options.alertWebhook,
  });
  // Another instance's run that needs a person shows its banner here too; only the instance that committed
  // the failure logs it and posts the webhook, so an alert is raised once across the cluster.
  const relay = new RemoteCommitRelay(store, feed, logger, (run) => {
    const alert = alertFromRun(run);
    if (!alert) return alerts.clear(run.id);
    const known = alerts.list().some((open) => open.runId === run.id);
    alerts.restore(alert);
    if (!known) feed.publishChange({ kind: "alert", alert });
  });
  const slots = new Slots(options.concurrency ?? DEFAULTS.concurrency);
  // serve --no-drive: each run it starts is announced to the drivers, which claim it (cluster/free-runs.ts).
  const freeRunHints =
    !drive && store instanceof PostgresRunStore ? new FreeRunHints(store, logger) : undefined;
  const metrics = new ServerMetrics({ openAlerts: () => alerts.list().length });
  metrics.setWorkerSource({ queued: () => slots.queued, running: () => slots.running });
  // Commits from concurrent requests share a transaction (store/commit-window.ts).
  const engineStore = instrumentStore(groupCommits(options.wrapStore?.(store) ?? store), (seconds, ok) =>
    metrics.observeCommit(seconds, ok),
  );
  const readiness = new Readiness(engineStore);
  const tracer = createRunTracer(options.env ?? process.env, { store: engineStore, logger });
  const logRun = logRunLifecycle(logger);
  // User work runs off this thread: SQL, files, HTTP and custom actions in a worker pool built from the
  // same settings, expressions in the engine's isolate (SPEC §8, docs/semantics.md "Isolation").
  const executor = createIsolatedExecutor({
    actions: createActionRegistry(actions),
    resolvePath,
    logger,
    setup: () => ({
      ...(options.actionsModule ? { actionsModule: path.resolve(options.actionsModule) } : {}),
      roots: [...pathPolicy.roots],
      protectedFiles: dbFiles,
      workingDir,
      http: {
        allow: options.httpAllow ?? [],
        deny: options.httpDeny ?? [],
        ...(listening ? { self: listening } : {}),
        ...(options.httpMaxResponseBytes ? { maxResponseBytes: options.httpMaxResponseBytes } : {}),
      },
    }),
    ...(options.workerMemoryMb ? { memoryMb: options.workerMemoryMb } : {}),
    limits: payloadLimits,
  });
  const engine = new Engine({
    store: engineStore,
    // On PostgreSQL several processes share the runs: each leases them under its own name (docs/deploy.md).
    ...(dbFiles.length === 0
      ? { owner: leaseOwnerFor(options.env ?? process.env), leaseMs: leaseMsFrom(options.env ?? process.env) }
      : {}),
    actions,
    executor,
    payloadLimits,
    ...(options.crashLimit ? { crashLimit: options.crashLimit } : {}),
    ...(drive ? {} : { drive: false }),
    // The engine takes a slot before each handler, so a shutdown knows which attempts never began.
    slots: options.workflowConcurrency ? new WorkflowSlots(slots, options.workflowConcurrency) : slots,
    resolvePath,
    logger,
    // The attempt's span as parent when tracing; else the caller's traceparent goes on unchanged.
    traceparentFor: (run, attemptId) => tracer?.traceparentFor(run, attemptId) ?? run.snapshot.traceparent,
    // Once per commit (a step's events together): only the metrics, the tracer and the feed look at each event.
    onCommit: (events, run) => {
      traceIds.note(run);
      for (const event of events) metrics.onEvent(event, run);
      if (tracer) for (const event of events) tracer.onEvent(event, run);
      logRun(events, run);
      relay.noteLocal(run.id, run.lastSeq);
      feed.publishEvents(run.id, events);
      if (events[0]?.seq === 1) freeRunHints?.hint();
      const last = events[events.length - 1];
      if (!needsPerson(run)) alerts.clear(run.id);
      else if (last?.event.type === "RunSuspended") {
        const alert = alertFromCrashLoop(run, last.at);
        if (alert) alerts.raise(alert);
      }
      // The summary is built per commit only while a page watches the runs list.
      if (feed.watchingChanges) feed.publishChange({ kind: "run", run: toRunSummary(run) });
    },
    onCompensationFailed: (alert) => alerts.raise(alertFromCompensation(alert, new Date().toISOString())),
  });
  const owner = leaseOwnerFor(options.env ?? process.env);
  const leaseMs = leaseMsFrom(options.env ?? process.env);
  // Claims free runs on PostgreSQL (set once recovery is done, below); woken by the forwarder's channel.
  let puller: FreeRunPuller | undefined;
  // On PostgreSQL an operator call reaches the run in whichever instance holds it (cluster/forwarder.ts).
  const forwarder =
    store instanceof PostgresRunStore
      ? new ClusterForwarder({
          engine,
          store,
          self: owner,
          leaseMs,
          logger,
          onFreeRuns: () => puller?.wake(),
        })
      : undefined;
  const services: ServerServices = {
    engine,
    store,
    catalog,
    feed,
    alerts,
    operator: forwarder ?? localOperatorCalls(engine),
  };

  try {
    if (examplesDir) {
      const report = await seedExamples(store, catalog, examplesDir);
      if (report.seeded.length > 0)
        logger.info(`seeded ${report.seeded.length} example definitions`, { ...report });
      for (const skipped of report.skipped)
        logger.warn(`example ${skipped.file} not seeded: ${skipped.reason}`);
    }
    await restoreOpenAlerts(store, alerts);
  } catch (error) {
    await store.close();
    lock?.release();
    throw error;
  }

  const by = policy.token ? "token" : "local";
  // POSTed calls skip tRPC's Fetch API round trip; GET and SSE go through its adapter (http/trpc-handler.ts).
  const trpc = createTrpcHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    createContext: ({ req }): Context => ({
      ...services,
      by,
      traceparent: validTraceparent(req.headers.traceparent),
    }),
    onError: ({ error, path: procedure }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        logger.error(`${procedure ?? "request"} failed`, { error: String(error.cause ?? error.message) });
      }
    },
  });
  const listener = createRequestListener({
    hosts,
    trpc,
    web: createWebAppHandler(options.webDist),
    ops: opsRoutes(readiness, metrics),
    token: policy.token,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
  });
  let server: Pick<Awaited<ReturnType<typeof listen>>, "url" | "port" | "close">;
  try {
    await forwarder?.start();
    // A worker (http: false) answers forwarded operator calls and drives runs, with no port of its own.
    server =
      options.http === false
        ? { url: "", port: 0, close: async () => undefined }
        : await listen(listener, options.port ?? DEFAULTS.port, host);
    if (options.http !== false) listening = { host, port: server.port };
  } catch (error) {
    await forwarder?.close();
    await engine.close();
    await store.close();
    lock?.release();
    throw error;
  }

  await metrics.loadRunsInProgress(engineStore);
  // SQLite: the only process, it recovers every unfinished run. PostgreSQL: it takes back the runs leased
  // under its own name; the others (handed off by --no-drive, or whose owner died and whose lease expired)
  // are claimed by the puller below as free capacity allows. A --no-drive instance drives nothing.
  const recovered = !drive
    ? { continued: [], suspended: [] }
    : store instanceof PostgresRunStore
      ? await takeBackOwnRuns(engine, store, owner)
      : await engine.recover();
  readiness.recovered();
  puller =
    drive && store instanceof PostgresRunStore
      ? new FreeRunPuller({
          engine,
          store,
          owner,
          leaseMs,
          // An eighth more than the slots: the next runs load (claim, reads, a commit) while the slots
          // finish the current ones, instead of each slot idling through a load when its run ends.
          capacity: () => slots.limit + Math.ceil(slots.limit / 8) - slots.running - slots.queued,
          logger,
          ...claimPoll,
        })
      : undefined;
  puller?.start();
  if (store instanceof PostgresRunStore) await relay.start(store);
  if (recovered.continued.length + recovered.suspended.length > 0) {
    logger.info("recovered unfinished runs", {
      continued: recovered.continued.length,
      suspended: recovered.suspended.length,
    });
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      readiness.closing();
      await puller?.close();
      await relay.close();
      await server.close();
      // Let running actions finish and commit; engine.close records the queued ones as abandoned (they
      // never began), so recovery runs them again instead of suspending them as outcome unknown.
      const grace = options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs;
      slots.stopTaking();
      await Promise.race([slots.whenIdle(), new Promise((resolve) => setTimeout(resolve, grace).unref())]);
      await engine.close();
      await forwarder?.close();
      await alerts.drain();
      await tracer?.close();
      await store.close();
      lock?.release();
    })();
    return closing;
  };
  return { url: server.url, port: server.port, roots: pathPolicy.roots, services, close };
}

/** SAGAFLOW_CLAIM_POLL_MS (whole ms, 50 to 3,600,000): how often a driver looks for free runs when no hint came. */
function claimPollOf(env: NodeJS.ProcessEnv): { pollMs?: number } {
  const text = env.SAGAFLOW_CLAIM_POLL_MS;
  if (text === undefined || text === "") return {};
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 50 && value <= 3_600_000)) {
    throw new Error(
      `SAGAFLOW_CLAIM_POLL_MS is whole milliseconds from 50 to 3600000, not "${text.slice(0, 40)}"`,
    );
  }
  return { pollMs: value };
}

/** A bad flag value (a CIDR that is not one) refuses the start with its message. */
function refuseOnError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw new ServeRefusedError((error as Error).message);
  }
}

async function loadActions(
  modulePath: string | undefined,
  http: HttpRequestOptions,
): Promise<ActionDefinition[]> {
  const builtins = builtinActionsWith(http);
  if (!modulePath) return builtins;
  const custom = await loadActionsModule(path.resolve(modulePath));
  // Refuses a custom action that would hide a built-in one.
  return [...createActionRegistry([...builtins, ...custom]).values()];
}

/** Alerts survive restarts: every run still in compensation_failed gets its banner back. */
async function restoreOpenAlerts(store: RunStore, alerts: AlertCenter): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({
      status: ["compensation_failed", "suspended"],
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    for (const run of page.runs) {
      const alert = alertFromRun(run);
      if (alert) alerts.restore(alert);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
