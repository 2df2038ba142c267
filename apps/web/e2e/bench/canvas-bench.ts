/**
 * Canvas bench: opens a 300-state definition in the designer (served by the real `sagaflow serve`) and
 * reports the time to first render and the frame times while panning and dragging.
 *   pnpm --filter @sagaflow/web bench:canvas [--size 300] [--json out.json]
 */
import { writeFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { definitionToGraph } from "../../src/canvas/utils/definition-to-graph";
import { layoutGraph } from "../../src/canvas/utils/elk-layout";
import { graphToDefinition } from "../../src/canvas/utils/graph-to-definition";
import { bigDefinition } from "../support/big-definition";
import { launchBrowser } from "../support/browser";
import { frameTimes } from "../support/frames";
import buildIfStale from "../support/global-setup";
import { startServer } from "../support/server";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const size = Number(arg("size") ?? 300);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const summary = (frames: number[]) => ({
  frames: frames.length,
  p50Ms: Number(percentile(frames, 50).toFixed(1)),
  p95Ms: Number(percentile(frames, 95).toFixed(1)),
  maxMs: Number(Math.max(...frames).toFixed(1)),
});

async function drag(page: Page, from: { x: number; y: number }, by: { x: number; y: number }, steps = 90) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + (by.x * i) / steps, from.y + (by.y * i) / steps);
  }
  await page.mouse.up();
}

buildIfStale();
const server = await startServer();
const browser = await launchBrowser();
try {
  const importDefinition = async (json: unknown) => {
    const imported = await fetch(`${server.url}/trpc/definitions.import`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: JSON.stringify(json) }),
    });
    if (!imported.ok) throw new Error(`import failed: ${imported.status} ${await imported.text()}`);
  };
  // Once saved, a workflow has positions; a freshly imported one is laid out in the browser first.
  const unlaid = { ...bigDefinition(size), name: `big-${size}-unlaid` };
  const graph = definitionToGraph(bigDefinition(size));
  const definition = graphToDefinition(await layoutGraph(graph.nodes, graph.edges, "LR"), graph.meta);
  await importDefinition(definition);
  await importDefinition(unlaid);

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // Warm the browser cache with the app, so the numbers measure the canvas, not the download.
  await page.goto(`${server.url}/#/`);
  await page.locator("[data-testid=workflow-list]").waitFor();

  const open = async (name: string) => {
    const started = Date.now();
    await page.goto(`${server.url}/#/workflows/${name}`);
    await page.locator(".react-flow__node").first().waitFor();
    await page.waitForFunction(`!document.querySelector(".react-flow__node[style*='visibility: hidden']")`);
    return Date.now() - started;
  };
  const firstRenderWithAutoLayoutMs = await open(unlaid.name);
  await page.goto(`${server.url}/#/`);
  await page.locator("[data-testid=workflow-list]").waitFor();
  const firstRenderMs = await open(definition.name);

  const canvas = await page.locator("[data-testid=canvas]").boundingBox();
  if (!canvas) throw new Error("no canvas");
  const center = { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2 };

  // The browser's own frame rate with nothing moving: what the numbers below compare to.
  const idle = await frameTimes(page, () => page.waitForTimeout(1500));

  // The whole workflow in view: every node rendered at once, the worst case for panning.
  await page.keyboard.press("Shift+F");
  await page.waitForTimeout(500);
  const renderedAtFit = await page.locator(".react-flow__node").count();
  const panAll = await frameTimes(page, () =>
    drag(page, { x: center.x, y: canvas.y + 30 }, { x: -300, y: 0 }),
  );

  // Zoomed in to working size.
  for (let i = 0; i < 6; i++) await page.keyboard.press("+");
  await page.waitForTimeout(400);
  const panZoomed = await frameTimes(page, () =>
    drag(page, { x: center.x, y: canvas.y + 30 }, { x: -400, y: 0 }),
  );

  const node = await page.locator(".react-flow__node").first().boundingBox();
  const dragNode = node
    ? await frameTimes(page, () => drag(page, { x: node.x + 40, y: node.y + 15 }, { x: 120, y: 80 }))
    : [];

  const result = {
    bench: "canvas",
    states: Object.keys(definition.states).length,
    firstRenderMs,
    firstRenderWithAutoLayoutMs,
    renderedAtFit,
    idle: summary(idle),
    panWholeGraph: summary(panAll),
    panZoomedIn: summary(panZoomed),
    dragNode: summary(dragNode),
  };
  console.log(JSON.stringify(result, null, 2));
  const out = arg("json");
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await browser.close();
  await server.stop();
}
