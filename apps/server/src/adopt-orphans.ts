import type { Engine, Logger } from "@sagaflow/engine";

/** The engine's lease when SAGAFLOW_LEASE_MS does not say otherwise (packages/engine runtime default). */
export const DEFAULT_LEASE_MS = 60_000;

/** SAGAFLOW_LEASE_MS (at least 1000), else the default: how long a dead instance's runs wait to be taken over. */
export function leaseMsFrom(env: Record<string, string | undefined>): number {
  const value = Number(env.SAGAFLOW_LEASE_MS);
  return Number.isInteger(value) && value >= 1000 ? value : DEFAULT_LEASE_MS;
}

/**
 * On a database shared with other instances (PostgreSQL), instances die: every `everyMs` this one runs the
 * engine's recovery again, which skips runs it drives, is refused the runs a live lease holds, and takes over
 * (claims, verifies, continues or suspends as after a crash) the runs whose owner's lease expired. One pass at
 * a time. Returns the function that stops it, which resolves once a pass under way has ended: a graceful
 * shutdown must not close the engine while a pass is loading a run it just claimed (that run would be
 * tracked after the engine let its runs go, and its lease left to expire).
 */
export function adoptOrphans(
  engine: Pick<Engine, "recover">,
  everyMs: number,
  logger: Logger,
): () => Promise<void> {
  let passing: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (passing) return;
    passing = engine
      .recover()
      .then((found) => {
        if (found.continued.length + found.suspended.length === 0) return;
        logger.info("took over runs whose instance stopped", {
          continued: found.continued.length,
          suspended: found.suspended.length,
        });
      })
      .catch((error: unknown) => logger.warn("taking over runs failed", { error: String(error) }))
      .finally(() => {
        passing = undefined;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await passing;
  };
}
