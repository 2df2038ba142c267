import { ConfirmDialog } from "../ui/confirm-dialog";
import type { VersionReport } from "./use-version-report";

/**
 * "Resume on vN (latest)?": the compatibility report before anything runs (core/version-compat.ts): what is
 * kept, what changed, where the run goes on, which compensation undoes each completed step, or why not.
 */
export function VersionMoveDialog(props: {
  report: VersionReport;
  busy: boolean;
  onClose: () => void;
  onConfirm: () => void;
}) {
  const { report } = props;
  return (
    <ConfirmDialog
      title={`Resume on v${report.to}${report.to === report.latestVersion ? " (latest)" : ""}?`}
      confirmLabel={report.compatible ? `Resume on v${report.to}` : "Cannot move"}
      busy={props.busy || !report.compatible}
      onClose={props.onClose}
      onConfirm={props.onConfirm}
    >
      <div data-testid="version-report" className="space-y-2">
        <p>
          The run stopped on v{report.from}. On v{report.to}, completed steps are kept with their outputs and
          never run again; what follows runs on v{report.to}.
        </p>
        {!report.compatible && (
          <ul
            data-testid="version-refusals"
            className="list-disc rounded-lg bg-rose-50 py-2 pr-2 pl-6 text-rose-800"
          >
            {report.refusals.map((refusal) => (
              <li key={refusal}>{refusal}</li>
            ))}
          </ul>
        )}
        <Row label="Kept" testId="report-kept">
          {report.kept.map((k) => k.stateId).join(", ") || "nothing"}
        </Row>
        <Row label="Changed" testId="report-changed">
          {report.changed
            .map((c) =>
              c.change === "changed" ? `${c.stateId} (${c.fields.join(", ")})` : `${c.stateId} (${c.change})`,
            )
            .join(", ") || "no state"}
        </Row>
        <Row label="Continues at" testId="report-continue">
          {report.continueAt.map((p) => p.stateId).join(", ") || "nothing"}
        </Row>
        {report.compensations.length > 0 && (
          <Row label="Undone by" testId="report-compensations">
            {report.compensations.map((c) => `${c.taskStateId} → ${c.after ?? "nothing"}`).join(", ")}
          </Row>
        )}
      </div>
    </ConfirmDialog>
  );
}

function Row(props: { label: string; testId: string; children: string }) {
  return (
    <p data-testid={props.testId}>
      <b className="text-slate-800">{props.label}:</b> {props.children}
    </p>
  );
}
