import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The database of a `run` without `--db`: a fresh directory, removed afterwards unless the run needs it. */
export interface TempDb {
  file: string;
  /** Removes the directory; a run that did not succeed keeps it, so it can still be resumed or inspected. */
  dispose(): void;
}

export function createTempDb(): TempDb {
  const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-"));
  return { file: path.join(dir, "runs.db"), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
