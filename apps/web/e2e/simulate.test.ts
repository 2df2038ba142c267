import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe";
import { bigDefinition } from "./support/big-definition";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { callApi, startRun, waitForRunStatus } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/**
 * Simulate mode (issue 19, browser half) against the real `sagaflow serve`: the definition being edited
 * runs in the browser on the engine's pure core, nothing reaches the server, and what it shows is what
 * `sagaflow test` says.
 */

const repoRoot = join(import.meta.dirname, "../../..");
const orderSaga = join(repoRoot, "examples/order-saga.json");
const input = { orderId: "o-7", sku: "sku-1", quantity: 2, amount: 25 };

/** better-sqlite3 is the engine's dependency: reach it from there. */
type Sqlite = new (
  file: string,
  options: { readonly: boolean },
) => {
  prepare(sql: string): { all(): Record<string, unknown>[] };
  close(): void;
};
const Database = createRequire(join(repoRoot, "packages/engine/package.json"))("better-sqlite3") as Sqlite;

/** Every row of every table of the server's database, as text: equal dumps mean nothing was written. */
function dumpDatabase(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => String(row.name));
    return Object.fromEntries(
      tables.map((table) => [table, JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all())]),
    );
  } finally {
    db.close();
  }
}

/** `pnpm sagaflow …` from the repository root, as a user runs it. */
function sagaflow(...args: string[]) {
  const result = spawnSync("pnpm", ["-s", "sagaflow", ...args], { cwd: repoRoot, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Records every change of a node's run phase in the page, in order, as `stateId:phase`. */
async function recordPhases(target: Page) {
  // A string, not a function: tsx's helpers (e.g. __name) do not exist in the page.
  await target.evaluate(`(() => {
    window.__phases = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target;
        if (!(el instanceof Element) || !el.hasAttribute("data-state-id")) continue;
        const phase = el.getAttribute("data-run-phase");
        if (phase) window.__phases.push(el.getAttribute("data-state-id") + ":" + phase);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-run-phase"] });
  })()`);
}
const phasesSeen = (target: Page) => target.evaluate("window.__phases") as Promise<string[]>;

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
/** `sagaflow test --each-failure examples/order-saga.json --json` with the test's input. */
let cliEachFailure: unknown;
/** Requests that could change something on the server (tRPC queries are GETs, mutations POSTs). */
const writes: string[] = [];

beforeAll(async () => {
  server = await startServer();
  // A real run first, so the database has runs and events that must stay as they are.
  const runId = await startRun(server.url, "order-saga", input);
  await waitForRunStatus(server.url, runId, "succeeded");
  // What the command line says about the same workflow and input, to compare the designer with.
  const cli = sagaflow("test", "--each-failure", orderSaga, "--json", "--input", JSON.stringify(input));
  if (cli.code !== 0) throw new Error(`sagaflow test --each-failure exited ${cli.code}: ${cli.stderr}`);
  cliEachFailure = JSON.parse(cli.stdout) as unknown;
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  pageErrors = collectPageErrors(page);
  page.on("request", (request) => {
    if (request.method() !== "GET") writes.push(`${request.method()} ${request.url()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("Simulate mode", () => {
  it("simulates order-saga with ship_order failing: the trace numbers 1 and 2 in reverse order, and the server database is unchanged", async () => {
    await page.goto(`${server.url}/#/workflows/order-saga`);
    await page.locator("[data-state-id=ship_order]").waitFor();
    const before = dumpDatabase(server.dbPath);
    expect(JSON.parse(before.runs ?? "[]")).toHaveLength(1);

    await page.locator("[data-testid=simulate]").click();
    await page.locator("[data-testid=simulate-panel]").waitFor();
    await page.locator("textarea[name=sim-input]").fill(JSON.stringify(input));
    // The outcome is picked on the canvas: select the state, press Fails, name the error.
    await page.locator("[data-state-id=ship_order]").click();
    await page.locator("[data-testid=sim-quick-fail]").click();
    await page.locator("input[name=sim-outcome-error]").fill("ShippingUnavailable");
    await recordPhases(page);
    await page.locator("[data-testid=sim-run]").click();

    const status = page.locator("[data-testid=sim-status]");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 15_000 }).toBe("compensated");
    const path = await page.locator("[data-testid=sim-path] li").allInnerTexts();
    expect(path.map((step) => step.replace("→", "").trim())).toEqual([
      "reserve_stock",
      "charge_payment",
      "ship_order",
    ]);
    const trace = await page
      .locator("[data-testid=sim-trace] li")
      .evaluateAll((items) =>
        items.map((li) => [li.getAttribute("data-order"), li.getAttribute("data-task")]),
      );
    expect(trace).toEqual([
      ["1", "charge_payment"],
      ["2", "reserve_stock"],
    ]);
    expect(await page.locator("[data-testid=sim-error]").textContent()).toContain("ShippingUnavailable");

    // The canvas drew it as the run view draws a run: step by step, the compensations numbered in order.
    const seen = await phasesSeen(page);
    expect(seen).toContain("reserve_stock:active");
    expect(seen).toContain("ship_order:failed");
    const refunded = seen.indexOf("refund_payment:compensated");
    const released = seen.indexOf("release_stock:compensated");
    expect(refunded).toBeGreaterThan(seen.indexOf("ship_order:failed"));
    expect(released).toBeGreaterThan(refunded);
    // The badge is a line of its own in the card as rendered.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines tell the badge apart
    expect(await page.locator("[data-state-id=refund_payment]").innerText()).toMatch(/(^|\n)1(\n|$)/);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines tell the badge apart
    expect(await page.locator("[data-state-id=release_stock]").innerText()).toMatch(/(^|\n)2(\n|$)/);
    expect(await page.locator("[data-state-id=cancel_shipment]").getAttribute("data-run-phase")).toBeNull();
    expect(await page.locator("[data-testid=sim-chip-ship_order]").count()).toBe(0); // selected: the picker shows

    // Nothing reached the server: no mutation was sent, and every table is as it was.
    expect(writes).toEqual([]);
    expect(dumpDatabase(server.dbPath)).toEqual(before);
    expect(pageErrors).toEqual([]);
  });

  it("saves the simulation as a scenario file that sagaflow test passes", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("[data-testid=sim-save-scenario]").click(),
    ]);
    const dir = mkdtempSync(join(tmpdir(), "sagaflow-scenario-"));
    try {
      expect(download.suggestedFilename()).toBe("order-saga.scenarios.json");
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const saved = JSON.parse(readFileSync(file, "utf8")) as {
        definition: string;
        scenarios: { name: string; outcomes: unknown; expect: unknown }[];
      };
      expect(saved.definition).toBe("order-saga.json");
      expect(saved.scenarios[0]).toMatchObject({
        name: "ship_order fails",
        outcomes: { ship_order: { fail: "ShippingUnavailable" } },
        expect: { status: "compensated", compensated: ["charge_payment", "reserve_stock"] },
      });
      copyFileSync(orderSaga, join(dir, "order-saga.json"));
      const result = sagaflow("test", file);
      expect(result.stderr + result.stdout).toContain("ship_order fails");
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(writes).toEqual([]);
  });

  it("shows the same each-failure table as sagaflow test --each-failure", async () => {
    await page.locator("[data-testid=sim-tab-failures]").click();
    const rows = page.locator("[data-testid=sim-failures] tr[data-task]");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        task: tr.getAttribute("data-task"),
        ends: tr.querySelector("[data-column=ends]")?.textContent,
        compensations: tr.querySelector("[data-column=compensations]")?.textContent,
        leftUndone: tr.querySelector("[data-column=left-undone]")?.textContent,
      })),
    );
    const reports = (
      cliEachFailure as { tasks: { stateId: string; status: string; compensated: string[] }[] }
    ).tasks;
    expect(table).toEqual(
      reports.map((report) => ({
        task: report.stateId,
        ends: report.status,
        compensations:
          report.compensated.length === 0
            ? "—"
            : report.compensated.map((n, i) => `${i + 1}. ${n}`).join(", "),
        leftUndone: "—",
      })),
    );
    expect(table[2]).toMatchObject({
      task: "ship_order",
      compensations: "1. charge_payment, 2. reserve_stock",
    });

    // A row plays on the canvas: charge_payment failing undoes only the stock. (The trace, not the
    // status, is what is polled: the status read "compensated" before the click as well.)
    await page.locator("[data-testid=sim-failures] tr[data-task=charge_payment] button").click();
    const trace = () =>
      page
        .locator("[data-testid=sim-trace] li")
        .evaluateAll((items) => items.map((li) => li.getAttribute("data-task")));
    await expect.poll(trace, { timeout: 15_000 }).toEqual(["reserve_stock"]);
    await expect
      .poll(() => page.locator("[data-testid=sim-status]").getAttribute("data-status"))
      .toBe("compensated");
    expect(await page.locator("[data-state-id=charge_payment]").getAttribute("data-run-phase")).toBe(
      "failed",
    );
    expect(writes).toEqual([]);
  });

  it("warns when the worst case of a path exceeds the workflow's deadline, for the unsaved definition", async () => {
    // Back to design mode: set a deadline of one minute, without saving.
    await page.locator("[data-testid=simulate]").click();
    await page.locator("[data-testid=inspector]").waitFor();
    await page.keyboard.press("Escape");
    await page.getByLabel("Deadline for the whole run").fill("1m");
    // Where the deadline is set, the designer already says it is too short.
    await page.locator("[data-testid=deadline-budget][data-exceeds]").waitFor();
    await page.locator("[data-testid=simulate]").click();
    await page.locator("[data-testid=sim-tab-budget]").click();

    const warning = page.locator("[data-testid=sim-budget-warning]");
    await warning.waitFor();
    expect(await warning.textContent()).toContain("exceeds the workflow's deadline of 1 min 0 s");
    expect(await page.locator("[data-testid=sim-budget-deadline]").textContent()).toBe("1 min 0 s");
    const budget = (cliEachFailure as { budget: { paths: { steps: string[] }[] } }).budget;
    const shown = await page.locator("[data-testid=sim-budget-paths] li .font-mono").allInnerTexts();
    expect(shown).toEqual(budget.paths.map((p) => p.steps.join(" → ")));
    expect(await page.locator("[data-testid=sim-budget-paths] li[data-exceeds]").count()).toBe(shown.length);

    // A day is enough: the warning goes.
    await page.locator("[data-testid=simulate]").click();
    await page.keyboard.press("Escape");
    await page.getByLabel("Deadline for the whole run").fill("1d");
    await expect
      .poll(() => page.locator("[data-testid=deadline-budget]").textContent())
      .toMatch(/^Every path fits/);
    await page.locator("[data-testid=simulate]").click();
    await page.locator("[data-testid=sim-budget]").waitFor();
    expect(await warning.count()).toBe(0);
    expect(await page.locator("[data-testid=sim-budget-paths] li[data-exceeds]").count()).toBe(0);
    expect(writes).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("keeps the page responsive while a big workflow's failure table is computed, and says how far it got", async () => {
    // Laid out in a grid beforehand: the test is about the failure table, not the auto-layout.
    const drawn = bigDefinition(300);
    const layout = Object.fromEntries(
      Object.keys(drawn.states).map((id, i) => [id, { x: (i % 20) * 300, y: Math.floor(i / 20) * 160 }]),
    );
    const big = { ...drawn, name: "big-saga", layout };
    const payload = JSON.parse(JSON.stringify({ definition: big })) as Parameters<typeof callApi>[2];
    await callApi(server.url, "definitions.save", payload, "mutation");
    // A page of its own: the one above holds unsaved edits (its leave guard would keep it there).
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    await page.goto(`${server.url}/#/workflows/big-saga`);
    await page.locator("[data-state-id=step_0]").waitFor({ timeout: 90_000 });
    await page.locator("[data-testid=simulate]").click();
    await page.locator("[data-testid=sim-tab-failures]").click();
    const progress = page.locator("[data-testid=sim-failures-progress]");
    await expect
      .poll(() => progress.textContent(), { timeout: 30_000 })
      .toMatch(/^Simulated \d+ of \d+ tasks/);
    // One simulation per task runs in a worker: the page still draws frames meanwhile.
    const frameWaits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      frameWaits.push(
        (await page.evaluate(
          "new Promise((done) => { const t = performance.now(); requestAnimationFrame(() => done(performance.now() - t)); })",
        )) as number,
      );
    }
    expect(Math.max(...frameWaits)).toBeLessThan(250);
    expect(await progress.count()).toBe(1); // still computing
    // Leaving Simulate mode stops the worker; the designer is editable again.
    await page.locator("[data-testid=simulate]").click();
    await page.locator("[data-testid=inspector]").waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it.each(["light", "dark"] as const)(
    "has no serious or critical axe violation in %s mode",
    async (colorScheme) => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme });
      const themed = await context.newPage();
      const errors = collectPageErrors(themed);
      await themed.goto(`${server.url}/#/workflows/order-saga`);
      await themed.locator("[data-state-id=ship_order]").waitFor();
      await themed.locator("[data-testid=simulate]").click();
      await themed.locator("[data-state-id=ship_order]").click();
      await themed.locator("[data-testid=sim-quick-timeout]").click();
      await themed.locator("[data-testid=sim-run]").click();
      await themed.locator("[data-testid=sim-status][data-status=compensated]").waitFor();
      // Off the buttons: a hovered primary button is 4.2:1 in dark mode, every one alike (not Simulate's own).
      await themed.mouse.move(0, 0);
      expect(await seriousViolations(themed)).toEqual([]);
      for (const tab of ["failures", "budget"]) {
        await themed.locator(`[data-testid=sim-tab-${tab}]`).click();
        await themed.locator(`[data-testid=sim-${tab}]`).waitFor();
        expect(await seriousViolations(themed)).toEqual([]);
      }
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
