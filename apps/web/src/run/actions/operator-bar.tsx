import type { JsonValue } from "@sagaflow/shared";
import { type ReactNode, useState } from "react";
import { toast } from "../../lib/toast";
import { api, errorMessage } from "../../lib/trpc";
import { useRunSession } from "../live/run-session-context";
import { availableActions } from "../model/operator-actions";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { JsonInput, type ParsedJson } from "../ui/json-input";
import { RunAgainDialog } from "./run-again-dialog";
import { useLatestVersionReport, type VersionReport } from "./use-version-report";
import { VersionMoveDialog } from "./version-move-dialog";

type Dialog =
  | { kind: "cancel" }
  | { kind: "resume" }
  | { kind: "move"; report: VersionReport }
  | { kind: "again" }
  | { kind: "compensate" }
  | { kind: "retry" }
  | { kind: "restore" }
  | { kind: "resolve"; stateId: string; compensation: boolean }
  | { kind: "decide"; signal: string; decision: "approve" | "reject" }
  | { kind: "signal"; signal: string };

/** The operator actions that apply to this run now; each asks before it changes anything. */
export function OperatorBar() {
  const runId = useRunSession((s) => s.runId);
  const status = useRunSession((s) => s.status);
  const snapshot = useRunSession((s) => s.snapshot);
  const definition = useRunSession((s) => s.definition);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [busy, setBusy] = useState(false);
  const newer = useLatestVersionReport(runId, snapshot?.status ?? status, snapshot?.version ?? null);

  const comments: Record<string, string | undefined> = {};
  for (const [id, state] of Object.entries(definition?.states ?? {}))
    comments[id] = (state as { comment?: string }).comment;
  // Buttons follow the server's record (the model may be a few events ahead; the engine decides).
  const actions = availableActions(snapshot?.status ?? status, snapshot, comments);

  const act = async (label: string, call: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await call();
      toast(label, "success");
      setDialog(null);
    } catch (error) {
      toast(errorMessage(error), "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-wrap items-center gap-1.5" data-testid="operator-actions">
      {actions.signals.map((s) =>
        s.approval ? (
          <span key={`${s.stateId}:${s.name}`} className="flex gap-1.5">
            <ActionButton
              testId="approve"
              tone="success"
              onClick={() => setDialog({ kind: "decide", signal: s.name, decision: "approve" })}
            >
              ✓ Approve
            </ActionButton>
            <ActionButton
              testId="reject"
              tone="danger"
              onClick={() => setDialog({ kind: "decide", signal: s.name, decision: "reject" })}
            >
              ✕ Reject
            </ActionButton>
          </span>
        ) : null,
      )}
      {actions.signals.map((s) => (
        <ActionButton
          key={`signal:${s.stateId}:${s.name}`}
          testId="send-signal"
          onClick={() => setDialog({ kind: "signal", signal: s.name })}
        >
          ✉ Send “{s.name}”
        </ActionButton>
      ))}
      {actions.resume && (
        <ActionButton testId="resume" tone="primary" onClick={() => setDialog({ kind: "resume" })}>
          ↻ {status === "canceled" ? "Redrive" : "Resume"}
        </ActionButton>
      )}
      {newer && (
        <ActionButton
          testId="resume-latest"
          tone="primary"
          onClick={() => setDialog({ kind: "move", report: newer })}
        >
          ↻ Resume on v{newer.to} (latest)…
        </ActionButton>
      )}
      {(status === "compensated" || status === "canceled") && snapshot && (
        <ActionButton testId="run-again" onClick={() => setDialog({ kind: "again" })}>
          ▶ Run again
        </ActionButton>
      )}
      {actions.compensate && (
        <ActionButton testId="compensate-now" tone="danger" onClick={() => setDialog({ kind: "compensate" })}>
          ↩ Compensate now
        </ActionButton>
      )}
      {actions.retryCompensation && (
        <ActionButton testId="retry-compensation" tone="primary" onClick={() => setDialog({ kind: "retry" })}>
          ↻ Retry compensation
        </ActionButton>
      )}
      {actions.resolve && (
        <ActionButton
          testId="resolve"
          onClick={() => actions.resolve && setDialog({ kind: "resolve", ...actions.resolve })}
        >
          ✎ Resolve {actions.resolve.stateId}
        </ActionButton>
      )}
      {actions.restore && (
        <ActionButton testId="restore" tone="primary" onClick={() => setDialog({ kind: "restore" })}>
          ⟲ Restore checkpoint
        </ActionButton>
      )}
      {actions.cancel && (
        <ActionButton testId="cancel" tone="danger" onClick={() => setDialog({ kind: "cancel" })}>
          ⊘ Cancel run
        </ActionButton>
      )}
      {dialog && (
        <OperatorDialog
          dialog={dialog}
          runId={runId}
          busy={busy}
          newer={newer?.to ?? null}
          onClose={() => setDialog(null)}
          act={act}
        />
      )}
    </div>
  );
}

function OperatorDialog(props: {
  dialog: Dialog;
  runId: string;
  busy: boolean;
  /** A newer version the run could move to, named in the plain resume's dialog. */
  newer: number | null;
  onClose: () => void;
  act: (label: string, call: () => Promise<unknown>) => Promise<void>;
}) {
  const { dialog, runId, busy, newer, onClose, act } = props;
  const snapshot = useRunSession((s) => s.snapshot);
  const [reason, setReason] = useState("");
  const [json, setJson] = useState<ParsedJson>({ ok: true, value: {} });
  const jsonValue = (): JsonValue | undefined => (json.ok ? json.value : undefined);

  switch (dialog.kind) {
    case "cancel": {
      const cancel = (compensate: boolean) =>
        void act(compensate ? "Run canceled; compensating" : "Run canceled", () =>
          api.runs.cancel.mutate({ runId, compensate }),
        );
      return (
        <ConfirmDialog
          title="Cancel this run?"
          closeLabel="Keep running"
          alternative={{
            label: "Stop without undoing",
            testId: "stop-without-undoing",
            onClick: () => cancel(false),
          }}
          confirmLabel="Stop and compensate"
          tone="danger"
          busy={busy}
          onClose={onClose}
          onConfirm={() => cancel(true)}
        >
          <p>Steps in flight are stopped, and the stop is recorded in the run's history.</p>
          <p>
            <b>Stop and compensate</b> then undoes the steps that completed, newest first (their compensation
            states). <b>Stop without undoing</b> leaves their effects in place.
          </p>
        </ConfirmDialog>
      );
    }
    case "resume":
      return (
        <ConfirmDialog
          title="Resume this run?"
          confirmLabel="Resume"
          busy={busy}
          onClose={onClose}
          onConfirm={() => void act("Run resumed", () => api.runs.resume.mutate({ runId }))}
        >
          <p>
            It continues from the step that stopped it, on the same definition version
            {snapshot ? ` (v${snapshot.version})` : ""}. Completed steps are kept, not run again.
          </p>
          {newer !== null && (
            <p data-testid="newer-version-note" className="rounded-lg bg-amber-50 p-2 text-amber-900">
              v{newer} exists. To go on with it (a fix), close this and choose “Resume on v{newer} (latest)…”.
            </p>
          )}
        </ConfirmDialog>
      );
    case "move":
      return (
        <VersionMoveDialog
          report={dialog.report}
          busy={busy}
          onClose={onClose}
          onConfirm={() =>
            void act(`Run resumed on v${dialog.report.to}`, () =>
              api.runs.resume.mutate({ runId, version: dialog.report.to }),
            )
          }
        />
      );
    case "compensate":
      return (
        <ConfirmDialog
          title="Undo what this run completed?"
          confirmLabel="Compensate now"
          tone="danger"
          busy={busy}
          onClose={onClose}
          onConfirm={() => void act("Compensating", () => api.runs.compensate.mutate({ runId }))}
        >
          <p>
            It stopped without undoing its steps. Each completed step's compensation runs, newest first, as
            the compensate policy would have; the run then ends compensated.
          </p>
        </ConfirmDialog>
      );
    case "again":
      return snapshot ? <RunAgainDialog snapshot={snapshot} newer={newer} onClose={onClose} /> : null;
    case "retry":
      return (
        <ConfirmDialog
          title="Retry the failed compensation?"
          confirmLabel="Retry compensation"
          busy={busy}
          onClose={onClose}
          onConfirm={() =>
            void act("Compensation retried", () => api.runs.retryCompensation.mutate({ runId }))
          }
        >
          <p>The compensation that failed runs again with its retry policy, then the rest of the chain.</p>
        </ConfirmDialog>
      );
    case "restore":
      return (
        <ConfirmDialog
          title="Restore from the last good checkpoint?"
          confirmLabel="Restore and continue"
          busy={busy}
          onClose={onClose}
          onConfirm={() => void act("Run restored", () => api.runs.restore.mutate({ runId }))}
        >
          <p>The events after the last one that verifies are dropped, and the run continues from there.</p>
        </ConfirmDialog>
      );
    case "resolve":
      return (
        <ConfirmDialog
          title={`Mark ${dialog.stateId} as done?`}
          confirmLabel="Resolve"
          busy={busy || !json.ok}
          onClose={onClose}
          onConfirm={() => {
            const output = jsonValue();
            if (output === undefined) return;
            void act(`${dialog.stateId} resolved`, () =>
              api.runs.resolveStep.mutate({
                runId,
                output,
                ...(dialog.compensation ? {} : { stateId: dialog.stateId }),
              }),
            );
          }}
        >
          <p>
            {dialog.compensation
              ? "Say the undo was done by hand; the compensation chain continues."
              : "Say the step was done; the run continues with this output as the step's output."}
          </p>
          <JsonInput label="Output" name="resolve-output" initial="{}" rows={5} onChange={setJson} />
        </ConfirmDialog>
      );
    case "decide":
      return (
        <ConfirmDialog
          title={dialog.decision === "approve" ? "Approve?" : "Reject?"}
          confirmLabel={dialog.decision === "approve" ? "Approve" : "Reject"}
          tone={dialog.decision === "approve" ? "primary" : "danger"}
          busy={busy}
          onClose={onClose}
          onConfirm={() =>
            void act(dialog.decision === "approve" ? "Approved" : "Rejected", () =>
              api.runs.signal.mutate({
                runId,
                name: dialog.signal,
                payload: {
                  decision: dialog.decision,
                  by: "web",
                  ...(reason.trim() ? { reason: reason.trim() } : {}),
                },
              }),
            )
          }
        >
          <p>
            Sends the “{dialog.signal}” signal with{" "}
            <code className="rounded bg-slate-100 px-1">{`{"decision": "${dialog.decision}"}`}</code>.
          </p>
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="Reason (optional)"
            className="w-full rounded-lg border border-slate-200 px-2.5 py-1.5 text-[13px] outline-none focus:border-indigo-400"
          />
        </ConfirmDialog>
      );
    case "signal":
      return (
        <ConfirmDialog
          title={`Send “${dialog.signal}”`}
          confirmLabel="Send signal"
          busy={busy || !json.ok}
          onClose={onClose}
          onConfirm={() => {
            const payload = jsonValue();
            if (payload === undefined) return;
            void act(`Sent ${dialog.signal}`, () =>
              api.runs.signal.mutate({ runId, name: dialog.signal, payload }),
            );
          }}
        >
          <JsonInput
            label="Payload"
            name="signal-payload"
            initial="{}"
            rows={6}
            emptyAs={null}
            onChange={setJson}
          />
        </ConfirmDialog>
      );
  }
}

const TONES = {
  neutral: "border-slate-200 text-slate-700 hover:bg-slate-50",
  primary: "border-indigo-600 bg-indigo-600 text-white hover:bg-indigo-500",
  success: "border-emerald-600 bg-emerald-600 text-white hover:bg-emerald-500",
  danger: "border-rose-200 text-rose-700 hover:bg-rose-50",
} as const;

function ActionButton(props: {
  children: ReactNode;
  onClick: () => void;
  testId: string;
  tone?: keyof typeof TONES;
}) {
  return (
    <button
      type="button"
      data-testid={props.testId}
      onClick={props.onClick}
      className={`rounded-lg border px-3 py-1.5 font-semibold text-[12px] shadow-sm transition ${TONES[props.tone ?? "neutral"]}`}
    >
      {props.children}
    </button>
  );
}
