import type { StateType } from "@sagaflow/shared";

/** Line icons (24×24, stroke = currentColor), so no glyph depends on the system's fonts. */
const PATHS: Record<StateType, string> = {
  task: "M7 5.5v13l11-6.5z",
  compensation: "M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11",
  choice: "M12 3 21 12 12 21 3 12z",
  parallel: "M6 4v16M12 4v16M18 4v16",
  map: "M17 2l4 4-4 4M3 11V9a3 3 0 0 1 3-3h15M7 22l-4-4 4-4M21 13v2a3 3 0 0 1-3 3H3",
  wait: "M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
  signal: "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0",
  succeed: "M20 6 9 17l-5-5",
  fail: "M18 6 6 18M6 6l12 12",
};

export function StateIcon({ type, className = "h-4 w-4" }: { type: StateType; className?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={PATHS[type]} />
    </svg>
  );
}
