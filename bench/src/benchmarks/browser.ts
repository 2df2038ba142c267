import type { Definition } from "@sagaflow/shared";
import { bigDefinition } from "../../../apps/web/e2e/support/big-definition";
import { launchBrowser } from "../../../apps/web/e2e/support/browser";
import { frameTimes } from "../../../apps/web/e2e/support/frames";
import { callApi } from "../../../apps/web/e2e/support/run-view";
import { startServer } from "../../../apps/web/e2e/support/server";
import { definitionToGraph } from "../../../apps/web/src/canvas/utils/definition-to-graph";
import { layoutGraph } from "../../../apps/web/src/canvas/utils/elk-layout";
import { graphToDefinition } from "../../../apps/web/src/canvas/utils/graph-to-definition";
import { stopServer } from "../harness/server-process";
import { percentile } from "../harness/stats";
import { ensureProductionWebBuild } from "../harness/web-build";
import { type Benchmark, compared, type Figure } from "../types";

/**
 * The designer in Chromium, served by the real `sagaflow serve` from apps/web/dist: the first render of a
 * big definition (the designer engineer's `bigDefinition`, laid out once as a saved workflow is) and the
 * frame times while panning it after fit view (as much of it on screen as the minimum zoom allows: the
 * worst case).
 * Baselines in the same run, same page: a 10-state definition of the same shape, opened and panned alike.
 * As in apps/web's `bench:canvas`, which this follows.
 */

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launchBrowser>>["newPage"]>>;

const SMALL = 10;

/** A saved workflow has positions: lay it out as the designer would, so opening it measures the render. */
async function laidOut(size: number): Promise<Definition> {
  const graph = definitionToGraph(bigDefinition(size));
  return graphToDefinition(await layoutGraph(graph.nodes, graph.edges, "LR"), graph.meta);
}

/** Opens a workflow from the list and waits until every node is drawn; the ms it took. */
async function firstRender(page: Page, url: string, name: string): Promise<number> {
  await page.goto(`${url}/#/`);
  await page.locator("[data-testid=workflow-list]").waitFor();
  const started = performance.now();
  await page.goto(`${url}/#/workflows/${name}`);
  await page.locator(".react-flow__node").first().waitFor();
  await page.waitForFunction(`!document.querySelector(".react-flow__node[style*='visibility: hidden']")`);
  return performance.now() - started;
}

/** The time between animation frames while the pane is dragged sideways, after fit view. */
async function panFrames(page: Page, moves: number): Promise<{ frames: number[]; drawn: number }> {
  await page.keyboard.press("Shift+F");
  await page.waitForTimeout(400);
  const drawn = await page.locator(".react-flow__node").count();
  const canvas = await page.locator("[data-testid=canvas]").boundingBox();
  if (!canvas) throw new Error("no canvas");
  const viewport = () => page.locator(".react-flow__viewport").getAttribute("style");
  const before = await viewport();
  // The top strip of the pane is padding after a fit, so the drag pans rather than moves a node.
  const from = { x: canvas.x + canvas.width / 2, y: canvas.y + 30 };
  const frames = await frameTimes(page, async () => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= moves; i++) await page.mouse.move(from.x - (300 * i) / moves, from.y);
    await page.mouse.up();
  });
  if ((await viewport()) === before) throw new Error("the drag did not pan the canvas");
  return { frames, drawn };
}

export const browser: Benchmark = {
  name: "browser",
  title: "Designer in Chromium: first render and panning",
  async run(context): Promise<Figure[]> {
    const big = context.scale === "tiny" ? 60 : 300;
    const rounds = context.scale === "tiny" ? 1 : 3;
    const moves = context.scale === "tiny" ? 30 : 90;
    ensureProductionWebBuild();
    const definitions = { small: await laidOut(SMALL), big: await laidOut(big) };
    const server = await startServer();
    const chromium = await launchBrowser();
    try {
      for (const definition of Object.values(definitions)) {
        await callApi(server.url, "definitions.import", { json: JSON.stringify(definition) }, "mutation");
      }
      const page = await chromium.newPage({ viewport: { width: 1440, height: 900 } });
      // Warm the cache with the app and the code of the canvas, so the numbers measure the canvas.
      await firstRender(page, server.url, definitions.small.name);
      const render = { small: [] as number[], big: [] as number[] };
      const frames = { small: [] as number[], big: [] as number[] };
      const drawn = { small: 0, big: 0 };
      // Alternate the sizes, so a burst of load from the neighbours hits both alike.
      for (let round = 0; round < rounds; round++) {
        for (const which of ["small", "big"] as const) {
          render[which].push(await firstRender(page, server.url, definitions[which].name));
          const panned = await panFrames(page, moves);
          frames[which].push(...panned.frames);
          drawn[which] = panned.drawn;
        }
      }
      context.log(
        `browser: ${big} states rendered in ${render.big.map((ms) => ms.toFixed(0)).join("/")} ms, ` +
          `${SMALL} in ${render.small.map((ms) => ms.toFixed(0)).join("/")} ms; ${drawn.big} / ${drawn.small} nodes drawn at fit`,
      );
      const bigStates = Object.keys(definitions.big.states).length;
      const smallStates = Object.keys(definitions.small.states).length;
      const renderBig = percentile(render.big, 50);
      const renderSmall = percentile(render.small, 50);
      const perState = renderBig / bigStates / (renderSmall / smallStates);
      const pan = (p: number): Figure =>
        compared({
          id: p === 50 ? "browser.pan.frame" : `browser.pan.frame.p${p}`,
          label: `Frame time while panning (${bigStates} states, fit view) p${p}`,
          value: percentile(frames.big, p),
          unit: "ms",
          baseline: {
            label: `panning ${smallStates} states p${p}`,
            value: percentile(frames.small, p),
            unit: "ms",
          },
          size: `${frames.big.length} / ${frames.small.length} frames, ${rounds} drags each`,
          note: `after fit view, ${drawn.big} / ${drawn.small} nodes drawn (the canvas draws only those on screen; zoom stops at 0.08); a drag of ${moves} mouse moves`,
          ...(p === 95
            ? { target: { text: "p95 under 50 ms (smooth)", met: percentile(frames.big, 95) < 50 } }
            : {}),
        });
      return [
        compared({
          id: "browser.render.300",
          label: `First render of a ${bigStates}-state definition`,
          value: renderBig,
          unit: "ms",
          baseline: { label: `${smallStates}-state definition`, value: renderSmall, unit: "ms" },
          size: `${bigStates} / ${smallStates} states, median of ${rounds}`,
          note: `per state: ${(renderBig / bigStates).toFixed(2)} ms vs ${(renderSmall / smallStates).toFixed(2)} ms (ratio ${perState.toFixed(2)}); open from the list until every node is drawn`,
        }),
        pan(50),
        pan(95),
      ];
    } finally {
      await chromium.close();
      await stopServer(server);
    }
  },
};
