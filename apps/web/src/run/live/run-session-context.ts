import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { RunSessionState, RunSessionStore } from "./run-session";

export const RunSessionContext = createContext<RunSessionStore | null>(null);

export function useRunSessionStore(): RunSessionStore {
  const store = useContext(RunSessionContext);
  if (!store) throw new Error("useRunSession outside <RunSessionContext.Provider>");
  return store;
}

/** One slice of the open run; the model's contents change in place, so select `modelVersion` with them. */
export function useRunSession<T>(selector: (state: RunSessionState) => T): T {
  return useStore(useRunSessionStore(), selector);
}
