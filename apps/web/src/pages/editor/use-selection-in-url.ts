import { useEffect } from "react";
import { selectedStateId } from "../../canvas/panels/inspector";
import { useEditorStore } from "../../canvas/store/editor-context";
import { parseRoute, replaceQuietly } from "../../lib/route";

/**
 * The selected state lives in the URL (`?state=<id>`), so a link or a reload opens the designer on it.
 * Selecting only replaces the URL: Back still leaves the page rather than stepping through clicks.
 */
export function useSelectionInUrl(focusState: (id: string) => void) {
  const store = useEditorStore();
  useEffect(() => {
    const wanted = parseRoute(window.location.hash);
    const id = wanted.page === "editor" ? wanted.state : undefined;
    // After the canvas's first fit, or that fit would move the view away again. A state already selected
    // here (the URL only followed the selection) is not focused again: that would change the zoom.
    const timer =
      id && store.getState().nodes.some((n) => n.id === id) && selectedStateId(store.getState().nodes) !== id
        ? setTimeout(() => focusState(id), 120)
        : undefined;
    const unsubscribe = store.subscribe((s, before) => {
      if (s.nodes === before.nodes) return;
      const route = parseRoute(window.location.hash);
      const selected = selectedStateId(s.nodes);
      if (route.page !== "editor" || route.state === selected) return;
      const { state: _old, ...rest } = route;
      replaceQuietly(selected ? { ...rest, state: selected } : rest);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, focusState]);
}
