import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "./support/server";

/**
 * DNS rebinding, as a browser does it: a page from evil.example whose name now resolves to 127.0.0.1
 * (Chromium's --host-resolver-rules), with Private Network Access checks off (as in browsers without
 * them), talks to Sagaflow's port as its own origin. Every request carries `Host: evil.example:PORT`,
 * so the server refuses it before any routing: the page reads nothing and starts nothing.
 */

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      "--host-resolver-rules=MAP evil.example 127.0.0.1",
      "--disable-features=PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests,LocalNetworkAccessChecks",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** What the attacker's script does once its name points at 127.0.0.1: same-origin requests. */
const ATTACK = `
async function attempt(path, init) {
  try {
    const response = await fetch(path, init);
    return { path, status: response.status, text: await response.text() };
  } catch (error) {
    return { path, status: 0, text: String(error) };
  }
}
window.attack = async () => [
  await attempt("/trpc/definitions.list"),
  await attempt("/trpc/runs.list"),
  await attempt("/trpc/runs.start", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "order-saga", input: {} }),
  }),
  await attempt("/trpc/definitions.save", {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ definition: { name: "pwned", startAt: "a", states: { a: { type: "succeed" } } } }),
  }),
  await attempt("/"),
];
`;

describe("a page on a rebinding domain", () => {
  it("reaches the server but is refused before routing: it reads nothing and starts nothing", async () => {
    const before = await (await fetch(`${server.url}/trpc/definitions.list`)).text();
    const page = await browser.newPage();
    const origin = `http://evil.example:${server.port}`;
    // The attacker's page itself, as evil.example served it before its name was rebound.
    await page.route(`${origin}/attack.html`, (route) =>
      route.fulfill({ contentType: "text/html", body: `<!doctype html><script>${ATTACK}</script>` }),
    );
    await page.goto(`${origin}/attack.html`);
    expect(page.url()).toBe(`${origin}/attack.html`);

    const results = (await page.evaluate("window.attack()")) as {
      path: string;
      status: number;
      text: string;
    }[];
    for (const result of results) {
      // 421 with the server's own message: the request did reach Sagaflow, which refused it.
      expect(result.status, result.path).toBe(421);
      const { error } = JSON.parse(result.text) as { error: { message: string } };
      expect(error.message, result.path).toContain(
        `Host "evil.example:${server.port}" is not one of this server's names`,
      );
      expect(result.text, result.path).not.toContain("order-saga");
    }

    // Nothing started, nothing saved: the same lists through the server's own name.
    const runs = (await (await fetch(`${server.url}/trpc/runs.list`)).json()) as {
      result: { data: { runs: unknown[] } };
    };
    expect(runs.result.data.runs).toEqual([]);
    expect(await (await fetch(`${server.url}/trpc/definitions.list`)).text()).toBe(before);
    expect(before).toContain("order-saga");
    await page.close();
  });

  it("the same browser on the server's own name works (the refusal is the Host check)", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator("[data-workflow=order-saga]").waitFor();
    await page.close();
  });
});
