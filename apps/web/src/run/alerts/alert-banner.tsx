import type { RouterOutputs } from "@sagaflow/server/router";
import { useEffect, useState } from "react";
import { navigate } from "../../lib/route";
import { api } from "../../lib/trpc";

type Alert = RouterOutputs["alerts"]["list"][number];

/**
 * A `compensation_failed` run needs a person at once: this banner shows on every page until someone
 * moves the run on (retry, resolve, resume), which the runs feed tells us.
 */
export function AlertBanner() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [hidden, setHidden] = useState<Set<string>>(new Set());

  useEffect(() => {
    let live = true;
    api.alerts.list
      .query()
      .then((open) => live && setAlerts(open))
      .catch(() => undefined);
    const subscription = api.runs.changes.subscribe(undefined, {
      onData: (change) => {
        if (change.kind === "alert") {
          const alert = change.alert;
          setAlerts((current) => [...current.filter((a) => a.runId !== alert.runId), alert]);
          setHidden((h) => {
            const next = new Set(h);
            next.delete(alert.runId);
            return next;
          });
        } else if (change.run.status !== "compensation_failed") {
          setAlerts((current) =>
            current.some((a) => a.runId === change.run.id)
              ? current.filter((a) => a.runId !== change.run.id)
              : current,
          );
        }
      },
    });
    return () => {
      live = false;
      subscription.unsubscribe();
    };
  }, []);

  const shown = alerts.filter((a) => !hidden.has(a.runId));
  const latest = shown.at(-1);
  if (!latest) return null;
  return (
    <div
      role="alert"
      data-testid="alert-banner"
      className="flex shrink-0 items-center gap-3 bg-rose-600 px-4 py-2 text-[13px] text-white shadow-md"
    >
      <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-white font-bold text-rose-600">
        ‼
      </span>
      <div className="min-w-0 flex-1">
        <span className="font-semibold">Compensation failed</span> in {latest.workflow} v{latest.version}:{" "}
        <span className="font-mono">{latest.compensationStateId}</span> (undoing {latest.taskStateId}) —{" "}
        {latest.error.error}: {latest.error.message}. A person must retry or resolve it.
        {shown.length > 1 && <span className="ml-2 opacity-80">(+{shown.length - 1} more)</span>}
      </div>
      <button
        type="button"
        data-testid="alert-open"
        onClick={() => navigate({ page: "run", runId: latest.runId })}
        className="shrink-0 rounded-lg bg-white px-3 py-1 font-semibold text-rose-700 hover:bg-rose-50"
      >
        Open run
      </button>
      <button
        type="button"
        title="Hide until it happens again"
        onClick={() => setHidden((h) => new Set(h).add(latest.runId))}
        className="shrink-0 rounded px-1.5 text-white/80 hover:text-white"
      >
        ✕
      </button>
    </div>
  );
}
