/** A rectangle in screen pixels, relative to the canvas pane. */
export interface ScreenRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Whether any node, drawn with the viewport `[tx, ty, zoom]`, overlaps `area` (the minimap's corner).
 * Linear in the nodes; the minimap only exists below a few thousand of them.
 */
export function coversANode(
  area: ScreenRect,
  nodes: Iterable<PlacedNode>,
  [tx, ty, zoom]: readonly [number, number, number],
): boolean {
  // The area in flow coordinates: one conversion instead of one per node.
  const left = (area.x - tx) / zoom;
  const top = (area.y - ty) / zoom;
  const right = left + area.width / zoom;
  const bottom = top + area.height / zoom;
  for (const node of nodes) {
    if (node.x < right && node.x + node.width > left && node.y < bottom && node.y + node.height > top)
      return true;
  }
  return false;
}
