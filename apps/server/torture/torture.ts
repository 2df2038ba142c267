import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { attemptId, openSqliteStore, type RunStore, type StoredEvent } from "@sagaflow/engine";
import { createTestDatabase, stopTestPostgres } from "@sagaflow/engine/postgres-testing";
import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { type Client, createClient } from "./client";
import { Driver } from "./driver";
import { checkRun, compareFingerprints, fingerprint, type RunEvidence } from "./invariants";
import { createLedger, LEDGER_FILE, readLedger } from "./ledger";
import { definitionOf, planRuns, WORKFLOWS } from "./mix";
import { PostgresCluster } from "./postgres-cluster";
import { createRandom } from "./random";
import { type ServerProcess, startServer } from "./server-process";
import type { TortureCluster } from "./torture-cluster";

/**
 * The torture: one seed plans a mix of runs; they run once on a server that is never disturbed (the
 * baseline) and once on a server that is SIGKILLed at random moments and restarted, `crashes` times. Then
 * every run of both is checked against the invariants, and each crashed run against its baseline twin.
 */

export interface TortureOptions {
  runs: number;
  crashes: number;
  seed: number;
  /** Most runs in progress at once on the baseline server. */
  window?: number;
  /** Keep the temp directory (databases, ledgers, server logs) for a post-mortem. */
  keep?: boolean;
  /** Give up on runs that have not ended this long after the last one was released. */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
  /**
   * Where the crashed runs live: one SQLite server (default), or `workers` processes on one PostgreSQL
   * database (DATABASE_URL, else an embedded server), of which a random one is killed each time.
   */
  store?: "sqlite" | "postgres";
  workers?: number;
}

export interface TortureReport {
  seed: number;
  runs: number;
  crashes: number;
  events: number;
  violations: string[];
  /** Operator retries of steps whose outcome a kill made unknown. */
  resumes: number;
  /**
   * Cancels without compensation that had to await an aborted attempt, over both servers, and how many of
   * those attempts wrote after the cancel (kept, and never written again by the redrive).
   */
  cancelRaces: { awaited: number; landedLate: number };
  failedCalls: number;
  seconds: number;
  dir: string;
}

const TICK_MS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server incarnation and the loop that keeps the driver ticking against whichever one is up. */
class Cluster implements TortureCluster {
  private server: ServerProcess | null = null;
  private client: Client | null = null;
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  readonly logFile: string;

  constructor(
    readonly dir: string,
    private readonly driver: Driver,
  ) {
    mkdirSync(dir, { recursive: true });
    createLedger(path.join(dir, LEDGER_FILE));
    this.logFile = path.join(dir, "server.log");
  }

  get dbPath(): string {
    return path.join(this.dir, "sagaflow.db");
  }

  async up(): Promise<void> {
    this.server = await startServer({ dir: this.dir, dbPath: this.dbPath, logFile: this.logFile });
    this.client = createClient(this.server.url);
  }

  async saveDefinitions(): Promise<void> {
    if (!this.client) throw new Error("no server");
    for (const name of WORKFLOWS)
      await this.client.definitions.save.mutate({ definition: definitionOf(name) });
  }

  startTicking(): void {
    this.loop = (async () => {
      while (this.running) {
        const client = this.client;
        if (client) await this.driver.tick(client).catch(() => {});
        await sleep(TICK_MS);
      }
    })();
  }

  /** SIGKILL, then a new process on the same files. */
  async crash(downMs: number): Promise<void> {
    const server = this.server;
    this.client = null;
    this.server = null;
    await server?.kill();
    await sleep(downMs);
    await this.up();
  }

  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.driver.allFinished && Date.now() < deadline) await sleep(TICK_MS);
  }

  async down(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.server?.stop();
    this.server = null;
    this.client = null;
  }

  openStore(): RunStore {
    return openSqliteStore(this.dbPath);
  }
}

/** Every run's record, history and ledger rows, read from the files once the server is down. */
async function collectEvidence(cluster: TortureCluster, driver: Driver): Promise<Map<number, RunEvidence>> {
  const store = cluster.openStore();
  const ledger = readLedger(path.join(cluster.dir, LEDGER_FILE));
  const evidence = new Map<number, RunEvidence>();
  try {
    for (const run of driver.runs) {
      if (!run.runId) continue;
      const record = await store.getRun<RunSnapshot>(run.runId);
      if (!record) continue;
      const history = (await store.getHistory(run.runId)) as StoredEvent<RunEvent>[];
      evidence.set(run.plan.index, { plan: run.plan, record, history, ledger: ledger.get(run.runId) ?? [] });
    }
  } finally {
    await store.close();
  }
  return evidence;
}

export async function torture(options: TortureOptions): Promise<TortureReport> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(path.join(tmpdir(), `sagaflow-torture-${options.seed}-`));
  const plans = planRuns(options.seed, options.runs, createRandom(options.seed));
  const schedule = createRandom(options.seed ^ 0x5bd1e995);
  const settleTimeoutMs = options.settleTimeoutMs ?? 120_000;

  // The baseline: the same plans on a server nobody disturbs.
  const calm = new Driver(plans, path.join(dir, "baseline", LEDGER_FILE));
  const baseline = new Cluster(path.join(dir, "baseline"), calm);
  await baseline.up();
  await baseline.saveDefinitions();
  baseline.startTicking();
  const window = options.window ?? 60;
  while (!calm.allReleased) {
    calm.release(window - calm.runs.filter((run) => run.released && !run.finished).length);
    await sleep(TICK_MS);
  }
  await baseline.settle(settleTimeoutMs);
  await baseline.down();
  log(`baseline: ${plans.length} runs in ${((Date.now() - began) / 1000).toFixed(1)} s`);

  // The torture: runs released in waves, one kill per wave at a random moment of it.
  const driver = new Driver(plans, path.join(dir, "crashed", LEDGER_FILE));
  const crashedDir = path.join(dir, "crashed");
  const crashed: TortureCluster =
    options.store === "postgres"
      ? new PostgresCluster(crashedDir, driver, await createTestDatabase(), options.workers ?? 3)
      : new Cluster(crashedDir, driver);
  await crashed.up();
  await crashed.saveDefinitions();
  crashed.startTicking();
  const wave = Math.ceil(plans.length / (options.crashes + 1));
  for (let crash = 1; crash <= options.crashes; crash += 1) {
    driver.release(wave);
    await sleep(schedule.int(0, 1200));
    await crashed.crash(schedule.int(0, 250), (count) => schedule.int(0, count - 1));
    if (crash % 10 === 0) log(`crash ${crash}/${options.crashes}`);
  }
  driver.release(plans.length);
  await crashed.settle(settleTimeoutMs);
  await crashed.down();
  log(
    `crashed: ${options.crashes} kills, ${driver.stats.failedCalls} calls cut off, ${driver.stats.resumes} resumes`,
  );

  const violations: string[] = [];
  const calmEvidence = await collectEvidence(baseline, calm);
  const crashEvidence = await collectEvidence(crashed, driver);
  if (options.store === "postgres") await stopTestPostgres();
  let events = 0;
  const cancelRaces = { awaited: 0, landedLate: 0 };
  for (const run of [...calmEvidence.values(), ...crashEvidence.values()]) {
    const race = cancelRaceOf(run);
    cancelRaces.awaited += race.awaited ? 1 : 0;
    cancelRaces.landedLate += race.landedLate ? 1 : 0;
  }
  for (const plan of plans) {
    const where = `${plan.tag} ${plan.workflow}`;
    const calmRun = calmEvidence.get(plan.index);
    const crashRun = crashEvidence.get(plan.index);
    if (!calmRun) violations.push(`${where}: the baseline run never started`);
    if (!crashRun) violations.push(`${where}: the crashed run never started`);
    for (const problem of calmRun ? checkRun(calmRun) : [])
      violations.push(`${where} (baseline ${calmRun?.record.id}): ${problem}`);
    if (!crashRun) continue;
    events += crashRun.history.length;
    for (const problem of checkRun(crashRun)) violations.push(`${where} (${crashRun.record.id}): ${problem}`);
    if (calmRun) {
      for (const problem of compareFingerprints(fingerprint(crashRun), fingerprint(calmRun)))
        violations.push(`${where} (${crashRun.record.id}): ${problem}`);
    }
  }
  if (!options.keep && violations.length === 0) rmSync(dir, { recursive: true, force: true });
  return {
    seed: options.seed,
    runs: plans.length,
    crashes: options.crashes,
    events,
    violations,
    resumes: driver.stats.resumes,
    cancelRaces,
    failedCalls: driver.stats.failedCalls,
    seconds: (Date.now() - began) / 1000,
    dir,
  };
}

/** Whether a cancel without compensation awaited an attempt, and whether that attempt then succeeded. */
function cancelRaceOf({ history }: RunEvidence): { awaited: boolean; landedLate: boolean } {
  let awaiting: string[] = [];
  let awaited = false;
  let landedLate = false;
  for (const { event } of history) {
    if (event.type === "RunCanceled" && !event.compensate && (event.awaitedAttempts?.length ?? 0) > 0) {
      awaiting = event.awaitedAttempts ?? [];
      awaited = true;
    }
    if (event.type === "StepSucceeded" && awaiting.includes(attemptId(event.idempotencyKey, event.attempt)))
      landedLate = true;
  }
  return { awaited, landedLate };
}

export function summaryLine(report: TortureReport): string {
  const races = report.cancelRaces;
  return (
    `runs ${report.runs}, crashes ${report.crashes}, events ${report.events}, violations ${report.violations.length}` +
    ` (seed ${report.seed}, ${report.resumes} resumes, ${report.failedCalls} calls cut off,` +
    ` ${races.awaited} cancels awaited a write, ${races.landedLate} landed after the cancel, ${report.seconds.toFixed(1)} s)`
  );
}
