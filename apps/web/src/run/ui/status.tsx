import type { RunStatus } from "@sagaflow/shared";

/** How each run status reads: colour and icon, the same on the runs page, the run view and the banner. */
export const STATUS_STYLE: Record<RunStatus, { label: string; icon: string; className: string }> = {
  running: { label: "running", icon: "●", className: "bg-sky-50 text-sky-700 ring-sky-200" },
  waiting: { label: "waiting", icon: "◷", className: "bg-amber-50 text-amber-700 ring-amber-200" },
  succeeded: { label: "succeeded", icon: "✓", className: "bg-emerald-50 text-emerald-700 ring-emerald-200" },
  failed: { label: "failed", icon: "✕", className: "bg-rose-50 text-rose-700 ring-rose-200" },
  compensating: {
    label: "compensating",
    icon: "↩",
    className: "bg-violet-50 text-violet-700 ring-violet-200",
  },
  compensated: { label: "compensated", icon: "↩", className: "bg-violet-50 text-violet-700 ring-violet-200" },
  compensation_failed: {
    label: "compensation failed",
    icon: "‼",
    className: "bg-rose-600 text-white ring-rose-700",
  },
  suspended: { label: "suspended", icon: "‖", className: "bg-orange-50 text-orange-700 ring-orange-200" },
  canceled: { label: "canceled", icon: "⊘", className: "bg-slate-100 text-slate-600 ring-slate-200" },
};

export function StatusBadge({ status, large }: { status: RunStatus; large?: boolean }) {
  const style = STATUS_STYLE[status];
  return (
    <span
      data-testid="run-status"
      data-status={status}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full font-semibold ring-1 ${style.className} ${large ? "px-2.5 py-1 text-[12px]" : "px-2 py-0.5 text-[11px]"}`}
    >
      <span aria-hidden>{style.icon}</span>
      {style.label}
    </span>
  );
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

// One formatter each: `toLocaleString` with options builds a new Intl formatter per call (~0.1 ms), and the
// inspector formats dozens of times per frame while time travel plays.
const TIME = new Intl.DateTimeFormat(undefined, {
  hour: "numeric",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  return (sameDay ? TIME : DATE_TIME).format(date);
}

export const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 10)}…` : id);
