import { mkdirSync } from "node:fs";
import path from "node:path";
import { openPostgresStore, type RunStore } from "@sagaflow/engine";
import { type Client, createClient } from "./client";
import type { Driver } from "./driver";
import { createLedger, LEDGER_FILE } from "./ledger";
import { definitionOf, WORKFLOWS } from "./mix";
import { type ServerProcess, startServer } from "./server-process";
import type { TortureCluster } from "./torture-cluster";

const TICK_MS = 40;
/** Short leases, so a killed process's runs are taken over in seconds (production: 60 s). */
const LEASE_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `--store postgres --workers N`: N processes on one PostgreSQL database, all `serve` but the last, which is
 * a `sagaflow worker` when N ≥ 3. The driver spreads its calls over the serve instances (so operator calls
 * are forwarded to whichever process drives the run); a crash kills one random process with SIGKILL and
 * starts a new one under a new instance name, so its runs wait for their leases to expire and are taken
 * over by the others.
 */
export class PostgresCluster implements TortureCluster {
  private readonly processes: (ServerProcess | null)[];
  private readonly clients: (Client | null)[];
  private incarnations = 0;
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private turn = 0;
  readonly logFile: string;

  constructor(
    readonly dir: string,
    private readonly driver: Driver,
    private readonly url: string,
    private readonly workers: number,
  ) {
    mkdirSync(dir, { recursive: true });
    createLedger(path.join(dir, LEDGER_FILE));
    this.logFile = path.join(dir, "server.log");
    this.processes = Array.from({ length: workers }, () => null);
    this.clients = Array.from({ length: workers }, () => null);
  }

  private isWorker(index: number): boolean {
    return this.workers >= 3 && index === this.workers - 1;
  }

  private async start(index: number): Promise<void> {
    this.incarnations += 1;
    const name = `p${index}-${this.incarnations}`;
    const started = await startServer({
      dir: this.dir,
      dbPath: this.url,
      logFile: this.logFile,
      command: this.isWorker(index) ? "worker" : "serve",
      env: { SAGAFLOW_INSTANCE: name, SAGAFLOW_LEASE_MS: String(LEASE_MS) },
    });
    this.processes[index] = started;
    this.clients[index] = started.url ? createClient(started.url) : null;
  }

  async up(): Promise<void> {
    await Promise.all(this.processes.map((_, index) => this.start(index)));
  }

  private anyClient(): Client | null {
    for (let tries = 0; tries < this.clients.length; tries += 1) {
      this.turn = (this.turn + 1) % this.clients.length;
      const client = this.clients[this.turn];
      if (client) return client;
    }
    return null;
  }

  async saveDefinitions(): Promise<void> {
    const client = this.anyClient();
    if (!client) throw new Error("no server");
    for (const name of WORKFLOWS) await client.definitions.save.mutate({ definition: definitionOf(name) });
  }

  startTicking(): void {
    this.loop = (async () => {
      while (this.running) {
        const client = this.anyClient();
        if (client) await this.driver.tick(client).catch(() => {});
        await sleep(TICK_MS);
      }
    })();
  }

  async crash(downMs: number, pick: (count: number) => number): Promise<void> {
    const index = pick(this.processes.length);
    const victim = this.processes[index];
    this.clients[index] = null;
    this.processes[index] = null;
    await victim?.kill();
    await sleep(downMs);
    await this.start(index);
  }

  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.driver.allFinished && Date.now() < deadline) await sleep(TICK_MS);
  }

  async down(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.processes.map((process) => process?.stop()));
    this.processes.fill(null);
    this.clients.fill(null);
  }

  openStore(): RunStore {
    return openPostgresStore(this.url);
  }
}
