/** Every keyboard shortcut of the editor: the hook dispatches from this table, the help overlay lists it. */
export type ShortcutAction =
  | "undo"
  | "redo"
  | "copy"
  | "paste"
  | "duplicate"
  | "selectAll"
  | "delete"
  | "save"
  | "layout"
  | "fitView"
  | "zoomIn"
  | "zoomOut"
  | "toggleJson"
  | "help"
  | "search"
  | "addAfter"
  | "escape";

export interface Shortcut {
  action: ShortcutAction;
  /** `mod` is Ctrl, or ⌘ on a Mac. */
  keys: { key: string; mod?: boolean; shift?: boolean }[];
  label: string;
}

export const SHORTCUTS: Shortcut[] = [
  { action: "undo", keys: [{ key: "z", mod: true }], label: "Undo" },
  {
    action: "redo",
    keys: [
      { key: "z", mod: true, shift: true },
      { key: "y", mod: true },
    ],
    label: "Redo",
  },
  { action: "copy", keys: [{ key: "c", mod: true }], label: "Copy selected states" },
  { action: "paste", keys: [{ key: "v", mod: true }], label: "Paste" },
  { action: "duplicate", keys: [{ key: "d", mod: true }], label: "Duplicate selected states" },
  { action: "selectAll", keys: [{ key: "a", mod: true }], label: "Select everything" },
  {
    action: "delete",
    keys: [{ key: "Delete" }, { key: "Backspace" }],
    label: "Delete selected states and transitions",
  },
  { action: "save", keys: [{ key: "s", mod: true }], label: "Save as a new version" },
  { action: "layout", keys: [{ key: "l", shift: true }], label: "Auto-layout" },
  { action: "fitView", keys: [{ key: "f", shift: true }], label: "Fit the workflow in view" },
  { action: "zoomIn", keys: [{ key: "+" }, { key: "=" }], label: "Zoom in" },
  { action: "zoomOut", keys: [{ key: "-" }], label: "Zoom out" },
  { action: "toggleJson", keys: [{ key: "j", shift: true }], label: "Show or hide the JSON view" },
  { action: "help", keys: [{ key: "?" }], label: "Show this help" },
  {
    action: "search",
    keys: [{ key: "k", mod: true }, { key: "/" }],
    label: "Find a state by id or action, and jump to it",
  },
  {
    action: "addAfter",
    keys: [{ key: "a" }],
    label: "Add a state after the selected one (arrows and Enter pick it)",
  },
  { action: "escape", keys: [{ key: "Escape" }], label: "Close overlays, clear the selection" },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The action a key press means, if any. Pure. */
export function shortcutFor(press: KeyPress): ShortcutAction | undefined {
  if (press.altKey) return undefined;
  const mod = press.ctrlKey || press.metaKey;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  for (const shortcut of SHORTCUTS) {
    for (const combo of shortcut.keys) {
      const comboKey = combo.key.length === 1 ? combo.key.toLowerCase() : combo.key;
      // "?" and "+" are typed with shift on most layouts: shift matters only where the combo says so.
      const shiftMatches = combo.shift ? press.shiftKey : !press.shiftKey || !/^[a-z]$/.test(comboKey);
      if (comboKey === key && Boolean(combo.mod) === mod && shiftMatches) return shortcut.action;
    }
  }
  return undefined;
}

/** Keys typed into a text field belong to the field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  const element = target as HTMLElement;
  return Boolean(element.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

export function describeKeys(combo: Shortcut["keys"][number], mac: boolean): string[] {
  const parts: string[] = [];
  if (combo.mod) parts.push(mac ? "⌘" : "Ctrl");
  if (combo.shift) parts.push("Shift");
  parts.push(combo.key.length === 1 ? combo.key.toUpperCase() : combo.key);
  return parts;
}
