import type { RunSnapshot } from "@sagaflow/shared";
import { type CompatibilityReport, checkVersionMove } from "../core/version-compat";
import { DefinitionNotFoundError, RunNotFoundError } from "../errors";
import type { RunStore } from "../store/types";

/** The report with what a person needs to choose the version: the newest one there is. */
export interface VersionMovePreview extends CompatibilityReport {
  latestVersion: number;
}

/**
 * What resuming `runId` on `version` (the latest when omitted) would do, read from the store, changing
 * nothing: the preview behind `runs.resume`'s dialog and `sagaflow resume --version`'s report.
 */
export async function previewVersionMove(
  store: RunStore,
  runId: string,
  version?: number,
): Promise<VersionMovePreview> {
  const record = await store.getRun<RunSnapshot>(runId);
  if (!record) throw new RunNotFoundError(runId);
  const current = await store.getDefinition(record.workflow, record.version);
  if (!current) throw new DefinitionNotFoundError(record.workflow, record.version);
  const latest = await store.getDefinition(record.workflow);
  const target = version === undefined ? latest : await store.getDefinition(record.workflow, version);
  if (!target || !latest) throw new DefinitionNotFoundError(record.workflow, version);
  const report = checkVersionMove(record.snapshot, current.definition, target.definition, target.version);
  return { ...report, latestVersion: latest.version };
}
