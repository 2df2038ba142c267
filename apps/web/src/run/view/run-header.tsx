import { useEffect, useState } from "react";
import { hrefOf, navigate } from "../../lib/route";
import { OperatorBar } from "../actions/operator-bar";
import { useRunSession } from "../live/run-session-context";
import { CopyIdButton } from "../runs-list/copy-id-button";
import { lastRunsHash } from "../runs-list/runs-query";
import { formatDuration, formatTime, StatusBadge } from "../ui/status";

const CONNECTION = {
  connecting: { dot: "bg-slate-300", label: "connecting" },
  live: { dot: "bg-emerald-500", label: "live" },
  reconnecting: { dot: "bg-amber-400 animate-pulse", label: "reconnecting" },
} as const;

/** Which run this is, its status and time, the live connection, and what a person can do about it. */
export function RunHeader() {
  const runId = useRunSession((s) => s.runId);
  const status = useRunSession((s) => s.status);
  const definition = useRunSession((s) => s.definition);
  const connection = useRunSession((s) => s.connection);
  const workflow = useRunSession((s) => s.model.workflow || s.snapshot?.workflow || "");
  const version = useRunSession((s) => s.model.version || s.snapshot?.version || 0);
  const startedAt = useRunSession((s) => s.model.startedAt ?? s.snapshot?.startedAt ?? null);
  // The versions it ran on, when it moved (RunMovedToVersion): a string, so a new move re-renders.
  const ranOn = useRunSession((s) => {
    const moves = s.modelVersion >= 0 ? s.model.moves : [];
    const first = moves[0];
    return first ? [first.from, ...moves.map((m) => m.to)].map((v) => `v${v}`).join(" → ") : "";
  });
  const endedAt = useRunSession((s) => (s.modelVersion >= 0 ? s.model.endedAt : null));
  const now = useNow(endedAt === null);
  const duration = startedAt ? (endedAt ? Date.parse(endedAt) : now) - Date.parse(startedAt) : null;

  return (
    <header className="flex min-h-14 shrink-0 flex-wrap items-center gap-3 border-slate-200 border-b bg-white px-3 py-2">
      <button
        type="button"
        onClick={() => {
          window.location.hash = lastRunsHash();
        }}
        className="rounded-lg px-2 py-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
        title="Back to the runs list"
        data-testid="back-to-runs"
      >
        ←
      </button>
      <div className="min-w-0">
        <div className="flex items-center gap-2">
          <button
            type="button"
            onClick={() => navigate({ page: "editor", name: workflow, isNew: false, version })}
            className="truncate font-semibold text-slate-800 hover:text-indigo-700"
            title="Open this version in the designer"
            data-testid="run-workflow"
          >
            {definition?.title || workflow}
          </button>
          <span className="rounded-md bg-slate-100 px-1.5 py-px font-medium text-[11px] text-slate-500">
            v{version}
          </span>
          {ranOn && (
            <span
              data-testid="run-versions"
              title="Resumed on another version: what ran before each move ran on the version before it"
              className="rounded-md bg-amber-50 px-1.5 py-px font-medium text-[11px] text-amber-800"
            >
              ran on {ranOn}
            </span>
          )}
          <StatusBadge status={status} large />
          {workflow && (
            <a
              href={hrefOf({ page: "editor", name: workflow, isNew: false, version })}
              data-testid="open-in-designer"
              className="rounded-md px-1.5 py-0.5 font-medium text-[12px] text-indigo-600 hover:bg-indigo-50 hover:text-indigo-800"
            >
              Open in designer (v{version})
            </a>
          )}
        </div>
        <div className="flex items-center gap-2 text-[11px] text-slate-400">
          <span className="select-all font-mono" data-testid="run-id">
            {runId}
          </span>
          <CopyIdButton id={runId} />
          <span>· started {formatTime(startedAt)}</span>
          <span>· {formatDuration(duration)}</span>
          <span className="flex items-center gap-1" data-testid="connection" data-connection={connection}>
            · <span className={`h-1.5 w-1.5 rounded-full ${CONNECTION[connection].dot}`} />
            {CONNECTION[connection].label}
          </span>
        </div>
      </div>
      <div className="flex-1" />
      <OperatorBar />
    </header>
  );
}

/** The current time, ticking each second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
