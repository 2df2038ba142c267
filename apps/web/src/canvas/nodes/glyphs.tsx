/** Small inline icons for symbols the UI font lacks ("⏸", "⏱" render as empty boxes in it). */

export function PauseGlyph({ label }: { label?: string }) {
  return (
    <svg
      viewBox="0 0 10 10"
      className="h-2.5 w-2.5"
      fill="currentColor"
      role="img"
      aria-label={label ?? "paused"}
    >
      <rect x="2" y="1.5" width="2" height="7" rx="0.5" />
      <rect x="6" y="1.5" width="2" height="7" rx="0.5" />
    </svg>
  );
}

export function TimerGlyph() {
  return (
    <svg
      viewBox="0 0 12 12"
      className="-mt-px mr-0.5 inline-block h-2.5 w-2.5 align-middle"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      role="img"
      aria-label="timeout"
    >
      <circle cx="6" cy="6.75" r="4.25" />
      <path d="M6 4.5v2.25l1.5 1M4.5 1h3" />
    </svg>
  );
}
