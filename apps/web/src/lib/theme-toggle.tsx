import { currentTheme, setThemeChoice, useTheme } from "./theme";

/** One button: switches to the other theme (the choice is kept; the system's applies until then). */
export function ThemeToggle() {
  const theme = useTheme();
  const next = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      data-testid="theme-toggle"
      aria-label={`Switch to ${next} mode`}
      title={`Switch to ${next} mode`}
      onClick={() => setThemeChoice(currentTheme() === "dark" ? "light" : "dark")}
      className="rounded-md px-2 py-1 text-[14px] text-slate-600 hover:bg-slate-100"
    >
      {theme === "dark" ? "☀" : "☾"}
    </button>
  );
}
