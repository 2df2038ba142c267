import type { RunStatus } from "@sagaflow/shared";

/** Exit codes of SPEC §5; scripts and CI branch on them, so they never change meaning. */
export const EXIT = {
  ok: 0,
  failed: 1,
  needsPerson: 2,
  waiting: 3,
  usage: 64,
} as const;

/** The exit code a run ends the process with: 0 succeeded, 1 failed/compensated, 2 needs a person, 3 waiting. */
export function exitCodeForStatus(status: RunStatus): number {
  switch (status) {
    case "succeeded":
      return EXIT.ok;
    case "failed":
    case "compensated":
    case "canceled":
      return EXIT.failed;
    case "compensation_failed":
    case "suspended":
      return EXIT.needsPerson;
    case "waiting":
    case "running":
    case "compensating":
      return EXIT.waiting;
  }
}

/** `recover` exits 0 only if every run it continued ends `succeeded`; otherwise the worst code among them. */
export function exitCodeForRuns(statuses: readonly RunStatus[]): number {
  return statuses.reduce((worst, status) => Math.max(worst, exitCodeForStatus(status)), EXIT.ok as number);
}
