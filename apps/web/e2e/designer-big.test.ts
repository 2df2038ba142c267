import type { Definition, State } from "@sagaflow/shared";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchBrowser } from "./support/browser";
import { type RunningServer, startServer } from "./support/server";

/** Issue 17 item 12: a 10,000-state definition opens in the designer (it overflowed the stack in ELK). */

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A chain of `size` states (waits, a task with a compensation every tenth and a loop-back choice every 50th, no layout. */
const T = { action: "transform", params: { value: 1 } } as const;

function chain(name: string, size: number): Definition {
  const states: Record<string, State> = {};
  for (let i = 0; i < size - 1; i++) {
    const next = `s${i + 1}`;
    if (i > 0 && i % 50 === 0) {
      states[`s${i}`] = { type: "choice", choices: [{ when: "{% $x %}", next }], otherwise: `s${i - 2}` };
    } else if (i % 10 === 0 && i < size - 2) {
      states[`s${i}`] = { type: "task", ...T, next, compensateWith: `u${i}` };
      states[`u${i}`] = { type: "compensation", ...T };
      i++;
      states[`s${i}`] = { type: "task", ...T, next: `s${i + 1}` };
    } else {
      // Mostly waits: no params, so 10,000 states fit the server's 1 MiB request limit.
      states[`s${i}`] = { type: "wait", duration: "1s", next };
    }
  }
  states[`s${size - 1}`] = { type: "succeed" };
  return { name, startAt: "s0", states };
}

async function openTimed(name: string): Promise<number> {
  const started = Date.now();
  await page.goto(`${server.url}/#/workflows/${name}`);
  await page.locator("[data-state-id=s0]").waitFor({ timeout: 120_000 });
  return Date.now() - started;
}

describe("very big definitions", () => {
  it.each([4000, 10_000])("opens %i states with the start in view and no error", async (size) => {
    const definition = chain(`big-${size}`, size);
    const body = JSON.stringify({ json: JSON.stringify(definition) });
    const response = await fetch(`${server.url}/trpc/definitions.import`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const ms = await openTimed(definition.name);
    console.log(`${size} states (${Math.round(body.length / 1024)} KiB): designer open in ${ms} ms`);
    expect(await page.locator(".react-flow__node").count()).toBeGreaterThan(3);
    expect(await page.textContent("body")).not.toContain("Maximum call stack");
    expect(pageErrors).toEqual([]);
  });
});
