/** A panel's size, remembered per panel in the browser and kept within its bounds. */
export interface PanelBounds {
  /** px */
  min: number;
  max: number;
  initial: number;
}

const KEY = (id: string) => `sagaflow.panel.${id}`;

export const clampSize = (size: number, { min, max }: PanelBounds): number =>
  Math.round(Math.min(max, Math.max(min, size)));

/** The size stored for `id`, or the initial one (also when storage is unavailable or holds junk). */
export function storedSize(id: string, bounds: PanelBounds, storage: Storage | undefined): number {
  const raw = storage?.getItem(KEY(id));
  const value = raw === null || raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? clampSize(value, bounds) : bounds.initial;
}

export function storeSize(id: string, size: number, storage: Storage | undefined): void {
  try {
    storage?.setItem(KEY(id), String(Math.round(size)));
  } catch {
    // Private mode or a full quota: the size just is not remembered.
  }
}

/** Keyboard steps on a separator: arrows move it 16 px (64 with Shift), Home/End to the bounds. */
export function sizeForKey(
  key: string,
  shift: boolean,
  size: number,
  bounds: PanelBounds,
  /** Which arrow grows the panel: the one pointing away from it. */
  grow: "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown",
): number | undefined {
  const step = shift ? 64 : 16;
  const shrink = {
    ArrowLeft: "ArrowRight",
    ArrowRight: "ArrowLeft",
    ArrowUp: "ArrowDown",
    ArrowDown: "ArrowUp",
  }[grow];
  if (key === grow) return clampSize(size + step, bounds);
  if (key === shrink) return clampSize(size - step, bounds);
  if (key === "Home") return bounds.min;
  if (key === "End") return bounds.max;
  return undefined;
}
