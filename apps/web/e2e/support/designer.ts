import type { Definition } from "@sagaflow/shared";
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** What a user does in the designer, as small steps the tests read like a story. */

export async function dropState(page: Page, type: string, at: { x: number; y: number }): Promise<string> {
  const canvas = page.locator("[data-testid=canvas] .react-flow__pane");
  await page.locator(`[data-palette=${type}]`).dragTo(canvas, { targetPosition: at });
  // A new state is selected: the inspector shows its id.
  const input = page.locator("input[name=state-id]");
  await input.waitFor();
  return input.inputValue();
}

/** Drops a state onto the centre of another node on the canvas (a branch lane or a map). */
export async function dropStateInto(page: Page, type: string, nodeId: string): Promise<string> {
  const pane = await page.locator("[data-testid=canvas] .react-flow__pane").boundingBox();
  const target = await page.locator(`.react-flow__node[data-id="${nodeId}"]`).boundingBox();
  if (!pane || !target) throw new Error(`no node ${nodeId}`);
  return dropState(page, type, {
    x: target.x - pane.x + target.width / 2,
    y: target.y - pane.y + target.height / 2 + 10,
  });
}

export async function connect(
  page: Page,
  source: string,
  handle: string,
  target: string,
  targetHandle = "in",
) {
  const from = await page
    .locator(`.react-flow__handle[data-nodeid="${source}"][data-handleid="${handle}"]`)
    .boundingBox();
  const to = await page
    .locator(`.react-flow__handle[data-nodeid="${target}"][data-handleid="${targetHandle}"]`)
    .boundingBox();
  if (!from || !to) throw new Error(`no handle ${source}.${handle} or ${target}.${targetHandle}`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2 + 10, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 5 });
  await page.mouse.up();
}

/**
 * Waits until the view has come to rest: a fit or the focus on a problem glides for a few hundred ms, and
 * where a state dropped at a screen point lands depends on the view. While a glide runs, the viewport's
 * transform changes on every frame; three frames without a change mean it is over.
 */
export async function viewAtRest(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const transform = () => document.querySelector<HTMLElement>(".react-flow__viewport")?.style.transform;
        let last = transform();
        let still = 0;
        const frame = () => {
          const now = transform();
          still = now === last ? still + 1 : 0;
          last = now;
          if (still >= 3) resolve();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
  );
}

export async function errorCount(page: Page): Promise<number> {
  return Number(await page.locator("[data-testid=error-count]").textContent());
}

/** Waits until the live validation reports `n` errors. */
export async function expectErrors(page: Page, n: number) {
  await page
    .waitForFunction(
      (want) => document.querySelector("[data-testid=error-count]")?.textContent === String(want),
      n,
      { timeout: 5000 },
    )
    .catch(async () => {
      throw new Error(
        `expected ${n} errors, saw ${await errorCount(page)}: ${await page.locator("[data-testid=problems]").textContent()}`,
      );
    });
}

export async function markerOf(page: Page, stateId: string): Promise<string | null> {
  return page.locator(`[data-state-id="${stateId}"]`).getAttribute("data-marker");
}

/** The definition as the JSON view shows it (opens the view if needed). */
export async function definitionInJsonView(page: Page): Promise<Definition> {
  const textarea = page.locator("textarea[aria-label='Definition JSON']");
  if (!(await textarea.isVisible())) await page.locator("[data-testid=json-toggle]").click();
  await page.waitForTimeout(150);
  return JSON.parse(await textarea.inputValue()) as Definition;
}

export async function closeJsonView(page: Page) {
  if (await page.locator("textarea[aria-label='Definition JSON']").isVisible())
    await page.locator("[data-testid=json-toggle]").click();
}

/** Clicks an empty spot of the canvas, so keys go to the canvas and not a field. */
export async function focusCanvas(page: Page) {
  const box = await page.locator("[data-testid=canvas]").boundingBox();
  if (!box) throw new Error("no canvas");
  await page.mouse.click(box.x + 20, box.y + 20);
}

export function expectLayoutClose(actual: Definition["layout"], expected: Definition["layout"]) {
  expect(Object.keys(actual ?? {}).sort()).toEqual(Object.keys(expected ?? {}).sort());
  for (const [id, box] of Object.entries(expected ?? {})) {
    expect(Math.abs((actual?.[id]?.x ?? Number.NaN) - box.x), `${id}.x`).toBeLessThanOrEqual(1);
    expect(Math.abs((actual?.[id]?.y ?? Number.NaN) - box.y), `${id}.y`).toBeLessThanOrEqual(1);
  }
}
