/**
 * Screenshots of the designer for the docs, taken from the real app on the shipped examples, in light
 * and dark mode.
 *   pnpm --filter @sagaflow/web screenshots   → docs/screenshots/*.png
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { compactChain } from "./support/big-definition";
import { launchBrowser } from "./support/browser";
import { dropState } from "./support/designer";
import buildIfStale from "./support/global-setup";
import { callApi, FAILED_ORDER, startRun, waitForRunStatus } from "./support/run-view";
import { startServer } from "./support/server";

const outDir = join(import.meta.dirname, "../../../docs/screenshots");
mkdirSync(outDir, { recursive: true });

buildIfStale();
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 2 });
  const shot = (name: string) => page.screenshot({ path: join(outDir, `${name}.png`) });
  const open = async (name: string) => {
    await page.goto(`${server.url}/#/workflows/${name}`);
    await page.locator(".react-flow__node").first().waitFor();
    await page.waitForTimeout(700);
  };

  await page.goto(server.url);
  await page.locator("[data-workflow]").first().waitFor();
  await shot("workflows");

  await open("db-migration");
  await page.locator("[data-state-id=apply_migration]").click();
  await page.waitForTimeout(500);
  await shot("designer-db-migration");

  await open("fan-out");
  await page.locator("[data-state-id=price_items]").click({ position: { x: 60, y: 12 } });
  await page.waitForTimeout(400);
  await shot("designer-fan-out");

  await open("order-saga");
  await dropState(page, "choice", { x: 520, y: 520 });
  await dropState(page, "compensation", { x: 820, y: 520 });
  await page.waitForTimeout(500);
  await shot("designer-validation");

  await open("db-migration");
  await page.locator("[data-testid=json-toggle]").click();
  await page.waitForTimeout(400);
  await shot("designer-json");

  // 10,000 states, fitted in view: only the states on screen are drawn.
  page.once("dialog", (dialog) => void dialog.accept()); // the validation shot left unsaved states
  const big = compactChain("ten-thousand-states", 10_000);
  await callApi(server.url, "definitions.import", { json: JSON.stringify(big) }, "mutation");
  await page.goto(`${server.url}/#/workflows/${big.name}`);
  await page.locator("[data-state-id=s0]").waitFor({ timeout: 60_000 });
  await page.locator(".react-flow__controls-fitview").click();
  await page.waitForTimeout(2500);
  await page.locator(".react-flow__controls-zoomin").click();
  await page.locator(".react-flow__controls-zoomin").click();
  await page.waitForTimeout(1500);
  await shot("designer-10k");

  // Dark mode (the system's preference; the toggle in the header keeps a choice).
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(server.url);
  await page.locator("[data-workflow]").first().waitFor();
  await page.waitForTimeout(300);
  await shot("workflows-dark");

  await open("order-saga");
  await page.locator("[data-state-id=charge_payment]").click();
  await page.waitForTimeout(500);
  await shot("designer-order-saga-dark");

  const runId = await startRun(server.url, "order-saga", FAILED_ORDER);
  await waitForRunStatus(server.url, runId, "compensated");
  await page.goto(`${server.url}/#/runs/${runId}`);
  await page.locator("[data-state-id=ship_order]").click();
  await page.waitForTimeout(600);
  await shot("run-compensation-trace-dark");

  await page.goto(`${server.url}/#/runs`);
  await page.locator("[data-testid=runs-table] [data-run-id]").first().waitFor();
  await page.waitForTimeout(400);
  await shot("runs-dark");

  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${server.url}/#/runs`);
  await page.locator("[data-testid=runs-table] [data-run-id]").first().waitFor();
  await page.waitForTimeout(400);
  await shot("runs");
  console.log(`screenshots written to ${outDir}`);
} finally {
  await browser.close();
  await server.stop();
}
