import { useEffect, useRef } from "react";
import { isTypingTarget, type ShortcutAction, shortcutFor } from "./shortcuts";

/** One keydown listener for the whole editor; keys typed into inputs are left alone. */
export function useShortcuts(handlers: Partial<Record<ShortcutAction, () => void>>, enabled = true) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (!action) return;
      // Escape still closes things from inside a field; everything else belongs to the field.
      const fromField =
        action === "escape" || action === "save" || (action === "search" && event.key !== "/");
      if (isTypingTarget(event.target) && !fromField) return;
      const handler = ref.current[action];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
