import type { RouterOutputs } from "@sagaflow/server/router";
import type { RunStatus } from "@sagaflow/shared";
import { useEffect, useState } from "react";
import { api } from "../../lib/trpc";

export type VersionReport = RouterOutputs["runs"]["versionReport"];

/** Statuses a run can be resumed from, so moved to another version from (the engine's MOVABLE_STATUSES). */
const MOVABLE: readonly RunStatus[] = ["failed", "suspended", "canceled", "compensation_failed"];

/**
 * The compatibility report of resuming this run on the latest version, when a newer version than the
 * run's exists and the run has stopped: what "Resume on vN (latest)…" shows before anything runs.
 */
export function useLatestVersionReport(
  runId: string,
  status: RunStatus,
  version: number | null,
): VersionReport | null {
  const [report, setReport] = useState<VersionReport | null>(null);
  useEffect(() => {
    setReport(null);
    if (version === null || !MOVABLE.includes(status)) return;
    let live = true;
    api.runs.versionReport
      .query({ runId })
      .then((found) => {
        if (live && found.to > version) setReport(found);
      })
      .catch(() => {}); // No report, no button: the plain Resume still works.
    return () => {
      live = false;
    };
  }, [runId, status, version]);
  return report;
}
