import { describe, expect, it } from "vitest";
import { sizeForKey, storedSize, storeSize } from "./panel-size";

const bounds = { min: 200, max: 600, initial: 340 };

/** A Storage with what the panel code uses of it. */
function memoryStorage(entries: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(entries));
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
    clear: () => map.clear(),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

describe("panel sizes", () => {
  it("remembers a size per panel, within its bounds", () => {
    const storage = memoryStorage();
    expect(storedSize("inspector", bounds, storage)).toBe(340);
    storeSize("inspector", 480.4, storage);
    expect(storedSize("inspector", bounds, storage)).toBe(480);
    expect(storedSize("json", bounds, storage)).toBe(340);
    storeSize("inspector", 5000, storage);
    expect(storedSize("inspector", bounds, storage)).toBe(600);
  });

  it("falls back to the initial size on junk or without storage", () => {
    expect(storedSize("inspector", bounds, memoryStorage({ "sagaflow.panel.inspector": "wide" }))).toBe(340);
    expect(storedSize("inspector", bounds, undefined)).toBe(340);
  });

  it("moves a separator by keyboard: the arrow away from the panel grows it, Shift for bigger steps", () => {
    expect(sizeForKey("ArrowLeft", false, 340, bounds, "ArrowLeft")).toBe(356);
    expect(sizeForKey("ArrowRight", false, 340, bounds, "ArrowLeft")).toBe(324);
    expect(sizeForKey("ArrowLeft", true, 340, bounds, "ArrowLeft")).toBe(404);
    expect(sizeForKey("ArrowUp", false, 150, { min: 72, max: 600, initial: 150 }, "ArrowUp")).toBe(166);
    expect(sizeForKey("ArrowRight", true, 210, bounds, "ArrowLeft")).toBe(200);
    expect(sizeForKey("Home", false, 340, bounds, "ArrowLeft")).toBe(200);
    expect(sizeForKey("End", false, 340, bounds, "ArrowLeft")).toBe(600);
    expect(sizeForKey("a", false, 340, bounds, "ArrowLeft")).toBeUndefined();
  });
});
