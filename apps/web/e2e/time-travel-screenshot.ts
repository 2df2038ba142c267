/**
 * The README's screenshot of time travel, taken from the real `sagaflow serve`:
 *   pnpm --filter @sagaflow/web exec tsx e2e/time-travel-screenshot.ts [outDir]   (default: docs/screenshots)
 */
import { join } from "node:path";
import { launchBrowser } from "./support/browser";
import buildIfStale from "./support/global-setup";
import { callApi, FAILED_ORDER, openRun, startRun, waitForStatus } from "./support/run-view";
import { startServer } from "./support/server";

const outDir = process.argv[2] ?? join(import.meta.dirname, "../../../docs/screenshots");

buildIfStale();
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 2 });
  // A failed order, scrubbed back to the moment shipping was attempted (before anything was undone).
  const runId = await startRun(server.url, "order-saga", FAILED_ORDER);
  await openRun(page, server.url, runId);
  await waitForStatus(page, "compensated");
  const { events } = await callApi<{ events: { seq: number; event: { type: string; stateId?: string } }[] }>(
    server.url,
    "runs.history",
    { runId, limit: 1000 },
    "query",
  );
  const seq = events.find(
    (e) => e.event.type === "StepAttemptStarted" && e.event.stateId === "ship_order",
  )?.seq;
  if (!seq) throw new Error("ship_order never started");
  await page.locator("[data-testid=tab-events]").click();
  await page.locator("[data-testid=time-travel]").click();
  await page.locator("[data-testid=travel-slider]").fill(String(seq));
  await page.locator(`[data-testid=scrubber][data-shown-seq="${seq}"]`).waitFor();
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(outDir, "run-time-travel.png") });
  console.log(`screenshot in ${outDir}`);
} finally {
  await browser.close();
  await server.stop();
}
