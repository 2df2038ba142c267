import { createContext, useContext } from "react";
import type { TemporalState } from "zundo";
import { useStore } from "zustand";
import type { EditorState, EditorStore, TrackedGraph } from "./editor-store";

export const EditorStoreContext = createContext<EditorStore | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error("useEditorStore outside <EditorStoreContext.Provider>");
  return store;
}

/** Subscribes to one slice of the editor: components pick what they show, never the whole graph. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}

export function useHistory<T>(selector: (state: TemporalState<TrackedGraph>) => T): T {
  return useStore(useEditorStore().temporal, selector);
}
