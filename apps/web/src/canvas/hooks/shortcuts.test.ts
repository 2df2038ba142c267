import { describe, expect, it } from "vitest";
import { shortcutFor } from "./shortcuts";

const press = (
  key: string,
  mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {},
) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("shortcutFor", () => {
  it("maps key presses to actions", () => {
    expect(shortcutFor(press("z", { ctrlKey: true }))).toBe("undo");
    expect(shortcutFor(press("Z", { metaKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutFor(press("y", { ctrlKey: true }))).toBe("redo");
    expect(shortcutFor(press("Delete"))).toBe("delete");
    expect(shortcutFor(press("?", { shiftKey: true }))).toBe("help");
    expect(shortcutFor(press("L", { shiftKey: true }))).toBe("layout");
  });

  it("ignores plain letters and alt combos", () => {
    expect(shortcutFor(press("l"))).toBeUndefined();
    expect(shortcutFor(press("z"))).toBeUndefined();
    expect(shortcutFor(press("z", { ctrlKey: true, altKey: true }))).toBeUndefined();
  });
});
