/**
 * The README's screenshots of run mode, taken from the real `sagaflow serve`:
 *   pnpm --filter @sagaflow/web exec tsx e2e/run-screenshots.ts [outDir]   (default: docs/screenshots)
 */
import { join } from "node:path";
import { launchBrowser } from "./support/browser";
import buildIfStale from "./support/global-setup";
import { FAILED_ORDER, openRun, startRun, waitForPhase, waitForStatus } from "./support/run-view";
import { startServer } from "./support/server";

const outDir = process.argv[2] ?? join(import.meta.dirname, "../../../docs/screenshots");

buildIfStale();
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 2 });

  // A failed order: shipping fails, so the payment is refunded (1) and the stock released (2).
  const failed = await startRun(server.url, "order-saga", FAILED_ORDER);
  await openRun(page, server.url, failed);
  await waitForStatus(page, "compensated");
  await page.locator('[data-state-id="ship_order"]').click();
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(outDir, "run-compensation-trace.png") });

  // The timeline of a polling loop: every poll fails once and is retried, then waits.
  const loop = await startRun(server.url, "retry-loop", { pollsNeeded: 4 });
  await openRun(page, server.url, loop);
  await waitForStatus(page, "succeeded", 30_000);
  await waitForPhase(page, "job_done", "succeeded");
  await page.locator('[data-state-id="poll_job"]').click();
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(outDir, "run-timeline.png") });
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await server.stop();
}
