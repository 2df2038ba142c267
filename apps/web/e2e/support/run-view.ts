import type { Page } from "playwright-core";

/** What an operator does and sees in run mode, as small steps the run tests read like a story. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Calls a tRPC procedure over plain HTTP, as any client could (queries as GET, mutations as POST). */
export async function callApi<T>(baseUrl: string, path: string, input: Json, kind: "query" | "mutation") {
  const url =
    kind === "query"
      ? `${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`
      : `${baseUrl}/trpc/${path}`;
  const response = await fetch(url, {
    method: kind === "query" ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(kind === "mutation" ? { body: JSON.stringify(input) } : {}),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!response.ok || !body.result) throw new Error(`${path}: ${body.error?.message ?? response.status}`);
  return body.result.data;
}

/** The README screenshots' order: shipping fails, so the payment is refunded and the stock released. */
export const FAILED_ORDER = {
  orderId: "A-1042",
  sku: "KB-75",
  quantity: 2,
  amount: 149.9,
  failAt: "ship_order",
} satisfies Json;

export async function startRun(baseUrl: string, name: string, input: Json): Promise<string> {
  const { runId } = await callApi<{ runId: string }>(baseUrl, "runs.start", { name, input }, "mutation");
  return runId;
}

export async function runStatus(baseUrl: string, runId: string): Promise<string> {
  const { run } = await callApi<{ run: { status: string } }>(baseUrl, "runs.get", { runId }, "query");
  return run.status;
}

export async function waitForRunStatus(baseUrl: string, runId: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = await runStatus(baseUrl, runId);
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} is ${last}, not ${status}, after ${timeoutMs} ms`);
}

export async function openRun(page: Page, baseUrl: string, runId: string) {
  await page.goto(`${baseUrl}/#/runs/${runId}`);
  await page.locator("[data-testid=run-view]").waitFor();
  await page.locator("[data-testid=connection][data-connection=live]").waitFor();
}

export async function phaseOf(page: Page, stateId: string): Promise<string | null> {
  return page.locator(`[data-state-id="${stateId}"]`).getAttribute("data-run-phase");
}

export async function waitForPhase(page: Page, stateId: string, phase: string, timeout = 15_000) {
  await page
    .locator(`[data-state-id="${stateId}"][data-run-phase="${phase}"]`)
    .waitFor({ timeout })
    .catch(async () => {
      throw new Error(`${stateId} never became ${phase} (it is ${await phaseOf(page, stateId)})`);
    });
}

export async function waitForStatus(page: Page, status: string, timeout = 20_000) {
  await page
    .locator(`header [data-testid=run-status][data-status="${status}"]`)
    .waitFor({ timeout })
    .catch(async () => {
      const now = await page.locator("header [data-testid=run-status]").getAttribute("data-status");
      throw new Error(`the run never showed ${status} (it shows ${now})`);
    });
}

/** Presses an operator button and confirms the dialog it opens. */
export async function operate(page: Page, button: string) {
  await page.locator(`[data-testid=operator-actions] [data-testid=${button}]`).click();
  await page.locator("[data-testid=confirm-dialog]").waitFor();
  await page.locator("[data-testid=confirm-dialog] [data-testid=confirm]").click();
  await page.locator("[data-testid=confirm-dialog]").waitFor({ state: "detached" });
}
