import { useSyncExternalStore } from "react";

/** Light or dark: the system's choice (`prefers-color-scheme`) unless the user picked one, kept per browser. */
export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

const KEY = "sagaflow-theme";
const query = () => window.matchMedia("(prefers-color-scheme: dark)");
const listeners = new Set<() => void>();

export function themeChoice(): ThemeChoice {
  const stored = window.localStorage.getItem(KEY);
  return stored === "light" || stored === "dark" ? stored : "system";
}

export function currentTheme(): Theme {
  const choice = themeChoice();
  if (choice !== "system") return choice;
  return query().matches ? "dark" : "light";
}

function apply() {
  document.documentElement.dataset.theme = currentTheme();
  for (const listener of listeners) listener();
}

export function setThemeChoice(choice: ThemeChoice) {
  if (choice === "system") window.localStorage.removeItem(KEY);
  else window.localStorage.setItem(KEY, choice);
  apply();
}

/** Sets the theme before the first render and follows the system while no choice is made. */
export function startTheme() {
  apply();
  query().addEventListener("change", apply);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, currentTheme);
}
