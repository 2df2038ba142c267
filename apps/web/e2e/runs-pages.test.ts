import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { callApi, openRun, startRun, waitForRunStatus, waitForStatus } from "./support/run-view";
import { type RunningServer, startServer } from "./support/server";

/**
 * Finding and sharing runs against the real `sagaflow serve`: search by id, filters and page in the URL,
 * per-state links, the cancel dialog's words, copying an id, and which bytes the run view loads.
 */

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
/** Approval runs wait for a person, so they stay put while we look at them. */
const older: string[] = [];
const newer: string[] = [];
let between = "";

const approval = { change: "raise the rate limit", requestedBy: "ana" };

beforeAll(async () => {
  server = await startServer();
  for (let i = 0; i < 4; i += 1) older.push(await startRun(server.url, "approval", approval));
  await new Promise((resolve) => setTimeout(resolve, 50));
  between = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Enough for two pages of 25.
  for (let i = 0; i < 28; i += 1) newer.push(await startRun(server.url, "approval", approval));
  await waitForRunStatus(server.url, newer.at(-1) ?? "", "waiting");
  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  page = await context.newPage();
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shownIds = () =>
  page
    .locator("[data-testid=runs-table] tr[data-run-id]")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run-id")));

describe("the runs page", () => {
  it("finds runs by id prefix typed in lower case, and one run by its whole id", async () => {
    await page.goto(`${server.url}/#/runs`);
    await page.locator("[data-testid=runs-table] tr[data-run-id]").first().waitFor();
    const target = newer[20] ?? "";
    // ULIDs made in the same millisecond share their first 10 characters; 16 tell them apart.
    await page.locator("[data-testid=filter-run-id]").fill(target.slice(0, 16).toLowerCase());
    await expect.poll(shownIds).toEqual([target]);
    expect(page.url()).toContain(`q=${target.slice(0, 16)}`);

    const prefix = target.slice(0, 6);
    await page.locator("[data-testid=filter-run-id]").fill(prefix);
    await expect.poll(async () => (await shownIds()).length).toBeGreaterThan(1);
    expect((await shownIds()).every((id) => id?.startsWith(prefix))).toBe(true);
    // The whole id is shown, not cut.
    expect(await page.locator(`[data-run-id="${target}"] [data-testid=run-row-id]`).textContent()).toBe(
      target,
    );

    await page.locator("[data-testid=filter-run-id]").fill("01ZZZZZZZZ");
    await page.getByText("No runs match these filters.").waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("keeps status, workflow, time range and page through a reload", async () => {
    await page.goto(`${server.url}/#/runs`);
    await page.locator("[data-testid=filter-status]").selectOption("waiting");
    await page.locator("[data-testid=filter-workflow]").selectOption("approval");
    await expect.poll(async () => (await shownIds()).length).toBe(25);
    await page.locator("[data-testid=page-next]").click();
    await expect.poll(() => page.locator("[data-testid=page-number]").textContent()).toBe("Page 2");
    await expect.poll(async () => (await shownIds()).length).toBe(32 - 25);
    const secondPage = await shownIds();

    await page.reload();
    await expect.poll(() => page.locator("[data-testid=page-number]").textContent()).toBe("Page 2");
    await expect.poll(shownIds).toEqual(secondPage);
    expect(await page.locator("[data-testid=filter-status]").inputValue()).toBe("waiting");
    expect(await page.locator("[data-testid=filter-workflow]").inputValue()).toBe("approval");
    // Into a run and back with the header's arrow: the same filters and page.
    await page.locator(`[data-run-id="${secondPage[0]}"]`).click();
    await page.locator("[data-testid=run-view]").waitFor();
    await page.locator("[data-testid=back-to-runs]").click();
    await expect.poll(shownIds).toEqual(secondPage);
    expect(await page.locator("[data-testid=filter-status]").inputValue()).toBe("waiting");
    // Back to page 1 from a reloaded page 2 (its cursor was not known before the reload).
    await page.locator("[data-testid=page-prev]").click();
    await expect.poll(() => page.locator("[data-testid=page-number]").textContent()).toBe("Page 1");
    await expect.poll(async () => (await shownIds()).length).toBe(25);

    // Started between: the link carries the exact instant; only the runs started after it are listed.
    await page.goto(`${server.url}/#/runs?status=waiting&from=${encodeURIComponent(between)}`);
    await page.reload();
    await expect.poll(async () => (await shownIds()).length).toBe(25);
    const ids = await shownIds();
    expect(ids.some((id) => older.includes(id ?? ""))).toBe(false);
    expect(await page.locator("[data-testid=filter-from]").inputValue()).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d$/,
    );
    await page.goto(`${server.url}/#/runs?to=${encodeURIComponent(between)}`);
    await page.reload();
    await expect.poll(async () => [...(await shownIds())].sort()).toEqual([...older].sort());
    expect(pageErrors).toEqual([]);
  });

  it("copies a run's full id with its button, without opening the run", async () => {
    await page.goto(`${server.url}/#/runs`);
    const target = newer[0] ?? "";
    await page.locator("[data-testid=filter-run-id]").fill(target);
    await expect.poll(shownIds).toEqual([target]);
    await page.locator(`[data-run-id="${target}"] [data-testid=copy-run-id]`).click();
    await expect.poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(target);
    expect(await page.locator("[data-testid=runs-page]").count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});

describe("a run's page", () => {
  it("opens a per-state link with that state selected and its inspector open, and links what you click", async () => {
    const runId = newer[2] ?? "";
    await page.goto(`${server.url}/#/runs/${runId}?state=wait_for_approval&tab=events`);
    await page.locator("[data-testid=run-view]").waitFor();
    await page.locator('[data-testid=step-inspector][data-state="wait_for_approval"]').waitFor();
    expect(await page.locator("[data-testid=tab-events]").getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("[data-testid=tab-step]").getAttribute("aria-selected")).toBe("true");

    // Clicking another state puts it in the URL: the link to share is the address bar.
    await page.locator('[data-state-id="request_approval"]').click();
    await page.locator('[data-testid=step-inspector][data-state="request_approval"]').waitFor();
    await expect.poll(() => page.url()).toContain("state=request_approval");
    const shared = page.url();
    await page.goto("about:blank");
    await page.goto(shared);
    await page.locator('[data-testid=step-inspector][data-state="request_approval"]').waitFor();

    // The position on the timeline: an event picked in the list is in the link, and highlighted on opening it.
    const awaited = page.locator('[data-event-type="SignalAwaited"]');
    const seq = await awaited.getAttribute("data-seq");
    await awaited.click();
    await expect.poll(() => page.url()).toContain(`seq=${seq}`);
    expect(page.url()).toContain("state=wait_for_approval");
    const withEvent = page.url();
    await page.goto("about:blank");
    await page.goto(withEvent);
    await page.locator('[data-testid=step-inspector][data-state="wait_for_approval"]').waitFor();
    await expect
      .poll(() => page.locator(`[data-seq="${seq}"]`).getAttribute("class"))
      .toContain("bg-indigo-100");
    expect(pageErrors).toEqual([]);
  });

  it("names the cancel dialog's buttons for what they do", async () => {
    const keep = newer[3] ?? "";
    await openRun(page, server.url, keep);
    await page.locator("[data-testid=operator-actions] [data-testid=cancel]").click();
    const dialog = page.locator("[data-testid=confirm-dialog]");
    expect(await dialog.locator("button").allTextContents()).toEqual([
      "Keep running",
      "Stop without undoing",
      "Stop and compensate",
    ]);
    await dialog.getByRole("button", { name: "Keep running" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitForRunStatus(server.url, keep, "waiting");

    await page.locator("[data-testid=operator-actions] [data-testid=cancel]").click();
    await dialog.getByRole("button", { name: "Stop without undoing" }).click();
    await waitForStatus(page, "canceled");
    // The history says who, in words.
    await page.locator("[data-testid=tab-events]").click();
    const canceled = page.locator('[data-event-type="RunCanceled"]');
    await canceled.waitFor();
    expect(await canceled.textContent()).toContain("from this machine");
    expect(await canceled.textContent()).not.toContain("local");
    expect(pageErrors).toEqual([]);
  });

  it("links to its definition version in the designer", async () => {
    await openRun(page, server.url, newer[4] ?? "");
    const link = page.locator("[data-testid=open-in-designer]");
    expect(await link.textContent()).toBe("Open in designer (v1)");
    await link.click();
    await page.waitForURL(/#\/workflows\/approval\?version=1/);
    await page.locator("[data-testid=canvas]").waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("loads no layout engine for a definition with a saved layout", async () => {
    const scripts: string[] = [];
    const fresh = await context.newPage();
    const freshErrors = collectPageErrors(fresh);
    fresh.on("request", (request) => scripts.push(request.url()));
    await openRun(fresh, server.url, newer[5] ?? "").catch(async (error: unknown) => {
      throw new Error(
        `${String(error)}\n${freshErrors.join("\n")}\n${await fresh.locator("body").textContent()}`,
      );
    });
    await fresh.locator('[data-state-id="wait_for_approval"]').waitFor();
    expect(scripts.some((url) => url.includes("/assets/"))).toBe(true);
    expect(scripts.filter((url) => /elk/i.test(url))).toEqual([]);
    expect(freshErrors).toEqual([]);
    await fresh.close();
  });

  it("lays out a definition without a saved layout with ELK in a web worker", async () => {
    const definition = {
      name: "no-layout",
      startAt: "first",
      states: {
        first: { type: "task", action: "transform", params: { value: 1 }, next: "second" },
        second: { type: "task", action: "transform", params: { value: 2 }, next: "done" },
        done: { type: "succeed" },
      },
    };
    await callApi(server.url, "definitions.save", { definition }, "mutation");
    const runId = await startRun(server.url, "no-layout", {});
    const fresh = await context.newPage();
    const freshErrors = collectPageErrors(fresh);
    const workers: string[] = [];
    const requests: string[] = [];
    fresh.on("worker", (worker) => workers.push(worker.url()));
    fresh.on("request", (request) => requests.push(request.url()));
    await openRun(fresh, server.url, runId);
    await waitForStatus(fresh, "succeeded");
    const first = await fresh.locator('[data-state-id="first"]').boundingBox();
    const second = await fresh.locator('[data-state-id="second"]').boundingBox();
    // Laid out left to right: the second state sits to the right of the first, not on top of it.
    expect((second?.x ?? 0) - (first?.x ?? 0)).toBeGreaterThan(50);
    expect(workers.some((url) => /elk-worker/.test(url))).toBe(true);
    expect(requests.filter((url) => /elk\.bundled/.test(url))).toEqual([]);
    expect(freshErrors).toEqual([]);
    await fresh.close();
  });
});
