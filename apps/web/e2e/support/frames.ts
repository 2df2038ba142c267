import type { Page } from "playwright-core";

/** Records the time between animation frames while `gesture` runs. */
export async function frameTimes(page: Page, gesture: () => Promise<void>): Promise<number[]> {
  // A string, not a function: tsx's helpers (e.g. __name) do not exist in the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await gesture();
  return page.evaluate<number[]>(`(() => {
    window.__recording = false;
    return window.__frames.slice(1);
  })()`);
}
