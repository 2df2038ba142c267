import type { Definition, JsonValue, RunError } from "@sagaflow/shared";
import { memo, type ReactNode, useDeferredValue } from "react";
import { whoInWords } from "../actions/who";
import { useRunSession } from "../live/run-session-context";
import type { AttemptRecord, CompensationTraceEntry, RunModel, StepRecord } from "../model/run-model";
import { useViewModel } from "../time-travel/travel-context";
import { formatDuration, formatTime } from "../ui/status";

const STEP_TONE: Record<StepRecord["status"], string> = {
  running: "bg-sky-100 text-sky-800",
  retrying: "bg-amber-100 text-amber-800",
  waiting: "bg-amber-100 text-amber-800",
  succeeded: "bg-emerald-100 text-emerald-800",
  failed: "bg-rose-100 text-rose-800",
  warned: "bg-amber-100 text-amber-800",
  canceled: "bg-slate-100 text-slate-700",
  compensating: "bg-violet-100 text-violet-800",
  compensated: "bg-violet-100 text-violet-800",
  compensation_failed: "bg-rose-600 text-white",
};

/** The selected step: input, params after expressions, output, error, attempts, idempotency key, timings. */
export function StepInspector() {
  // Deferred: while the scrubber is dragged the canvas and the slider move at every frame, and the
  // inspector catches up when the browser has time (React renders it in the background, interruptibly).
  const selected = useDeferredValue(useRunSession((s) => s.travel?.inspect ?? s.selected));
  const model = useDeferredValue(useViewModel());
  const version = useDeferredValue(useRunSession((s) => s.modelVersion));
  const definition = useRunSession((s) => s.definition);
  return <StepDetails selected={selected} model={model} version={version} definition={definition} />;
}

/** `version` re-renders it when the live model (changed in place) moves on. */
const StepDetails = memo(function StepDetails({
  selected,
  model,
  definition,
}: {
  selected: string | null;
  model: RunModel;
  version: number;
  definition: Definition | null;
}) {
  if (!selected) return <RunOverview model={model} />;
  const step = model.steps[selected];
  const state = definition?.states[selected] as { type?: string; action?: string } | undefined;
  const compensations = model.compensations.filter(
    (c) => c.compensationStateId === selected || c.taskStateId === selected,
  );
  return (
    <div className="space-y-4 p-4 text-[12px]" data-testid="step-inspector" data-state={selected}>
      <div>
        <div className="flex items-center gap-2">
          <h3 className="truncate font-semibold text-[14px] text-slate-900">{selected}</h3>
          {step ? (
            <span
              data-testid="step-status"
              className={`rounded-full px-2 py-px font-semibold text-[10px] ${STEP_TONE[step.status]}`}
            >
              {step.status}
            </span>
          ) : (
            <span className="rounded-full bg-slate-100 px-2 py-px text-[10px] text-slate-500">
              not reached
            </span>
          )}
        </div>
        <div className="text-[11px] text-slate-500">
          {step?.stateType || state?.type}
          {state?.action ? ` · ${state.action}` : ""}
          {step && step.visits > 1 ? ` · ${step.visits} visits` : ""}
        </div>
      </div>
      {step && (
        <>
          {step.error && <ErrorBox title="Error" error={step.error} />}
          {step.caughtError && <ErrorBox title="Reached through catch with" error={step.caughtError} />}
          <Facts
            rows={[
              [
                "Idempotency key",
                step.idempotencyKey && <code className="break-all">{step.idempotencyKey}</code>,
              ],
              ["Entered", formatTime(step.lastEnteredAt)],
              ["Ended", step.endedAt ? formatTime(step.endedAt) : "–"],
              [
                "Duration",
                step.endedAt
                  ? formatDuration(Date.parse(step.endedAt) - Date.parse(step.lastEnteredAt))
                  : "–",
              ],
              ["Resolved", step.resolvedBy && whoInWords(step.resolvedBy)],
              ["Signal", step.signal],
            ]}
          />
          {step.attempts.length > 0 && <Attempts attempts={step.attempts} />}
          {step.params !== undefined && <JsonBlock title="Params (after expressions)" value={step.params} />}
          {step.output !== undefined && <JsonBlock title="Output" value={step.output} testId="step-output" />}
        </>
      )}
      {compensations.map((c) => (
        <CompensationBox key={c.order} record={c} />
      ))}
      <JsonBlock title="Input (the run's $input)" value={model.input} collapsed />
      {definition?.states[selected] && (
        <JsonBlock title="Definition" value={definition.states[selected] as unknown as JsonValue} collapsed />
      )}
    </div>
  );
});

/** Nothing selected: the run as a whole. */
function RunOverview({ model }: { model: RunModel }) {
  return (
    <div className="space-y-4 p-4 text-[12px]" data-testid="run-overview">
      <p className="text-slate-500">Click a state on the canvas, a bar or an event to inspect it.</p>
      {model.error && <ErrorBox title="Run error" error={model.error} />}
      <JsonBlock title="Input" value={model.input} />
      {model.output !== undefined && <JsonBlock title="Output" value={model.output} />}
    </div>
  );
}

/** A loop's step may have thousands of attempts: the latest are listed, the count says the rest. */
const ATTEMPTS_LISTED = 20;

function Attempts({ attempts: all }: { attempts: AttemptRecord[] }) {
  const attempts = all.length > ATTEMPTS_LISTED ? all.slice(-ATTEMPTS_LISTED) : all;
  // Attempts on different versions (the run was resumed on a fixed one) say which each ran on.
  const versions = new Set(attempts.map((a) => a.version)).size > 1;
  return (
    <div>
      <SectionTitle>Attempts</SectionTitle>
      {all.length > attempts.length && (
        <p className="mb-1 text-[11px] text-slate-400" data-testid="attempts-earlier">
          the latest {attempts.length} of {all.length.toLocaleString()}
        </p>
      )}
      <ol className="space-y-1.5" data-testid="attempts">
        {attempts.map((a, i) => {
          const next = attempts[i + 1];
          const delay = a.endedAt && next ? Date.parse(next.startedAt) - Date.parse(a.endedAt) : null;
          return (
            <li key={`${a.visit}:${a.attempt}:${a.seq}`} className="rounded-lg border border-slate-100 p-2">
              <div className="flex items-center gap-2">
                <span className="font-semibold text-slate-700">
                  #{a.attempt}
                  {a.visit > 1 ? ` (visit ${a.visit})` : ""}
                </span>
                <Outcome outcome={a.outcome} />
                <span className="ml-auto text-slate-400">{formatDuration(a.durationMs)}</span>
              </div>
              <div className="text-[11px] text-slate-400">
                {formatTime(a.startedAt)} · timeout {formatDuration(a.timeoutMs)}
                {versions && <span data-testid="attempt-version"> · on v{a.version}</span>}
              </div>
              {a.error && (
                <div className="mt-1 text-rose-700">
                  <span className="font-mono font-semibold">{a.error.error}</span>: {a.error.message}
                </div>
              )}
              {delay !== null && a.outcome !== "succeeded" && next?.visit === a.visit && (
                <div className="mt-1 text-[11px] text-amber-700">retried after {formatDuration(delay)}</div>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function CompensationBox({ record }: { record: CompensationTraceEntry }) {
  return (
    <div
      className="rounded-xl border border-violet-200 bg-violet-50/60 p-3"
      data-testid="compensation-record"
    >
      <div className="flex items-center gap-2 font-semibold text-violet-900">
        <span className="flex h-5 w-5 items-center justify-center rounded-full bg-violet-600 text-[10px] text-white">
          {record.order}
        </span>
        {record.taskStateId} ↩ {record.compensationStateId}
        <span className="ml-auto font-normal text-[11px]">{record.status}</span>
      </div>
      {record.resolvedBy && <div className="mt-1 text-[11px]">resolved {whoInWords(record.resolvedBy)}</div>}
      {record.error && (
        <div className="mt-1 text-rose-700">{`${record.error.error}: ${record.error.message}`}</div>
      )}
      <div className="mt-2">
        <Attempts attempts={record.attempts} />
      </div>
      {record.output !== undefined && <JsonBlock title="Output" value={record.output} />}
    </div>
  );
}

function Outcome({ outcome }: { outcome: AttemptRecord["outcome"] }) {
  const tone = {
    running: "text-sky-700",
    succeeded: "text-emerald-700",
    failed: "text-rose-700",
    timed_out: "text-orange-700",
    interrupted: "text-slate-500",
  }[outcome];
  return <span className={`text-[11px] ${tone}`}>{outcome.replace("_", " ")}</span>;
}

function ErrorBox({ title, error }: { title: string; error: RunError }) {
  return (
    <div className="rounded-xl border border-rose-200 bg-rose-50 p-3" data-testid="step-error">
      <div className="font-medium text-[10px] text-rose-600 uppercase tracking-wide">{title}</div>
      <div className="mt-0.5 font-mono font-semibold text-rose-800">{error.error}</div>
      <div className="text-rose-700">{error.message}</div>
    </div>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  const shown = rows.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return (
    <dl className="grid grid-cols-[110px_1fr] gap-x-2 gap-y-1">
      {shown.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-400">{label}</dt>
          <dd className="min-w-0 text-slate-700">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function SectionTitle({ children }: { children: ReactNode }) {
  return (
    <div className="mb-1 font-medium text-[10px] text-slate-400 uppercase tracking-wide">{children}</div>
  );
}

function JsonBlock(props: { title: string; value: JsonValue; collapsed?: boolean; testId?: string }) {
  const text = JSON.stringify(props.value, null, 2) ?? "null";
  const body = (
    <pre
      data-testid={props.testId}
      className="max-h-64 overflow-auto rounded-lg bg-slate-900 p-2.5 font-mono text-[11px] text-slate-100 leading-relaxed"
    >
      {text}
    </pre>
  );
  if (props.collapsed)
    return (
      <details>
        <summary className="cursor-pointer font-medium text-[10px] text-slate-400 uppercase tracking-wide">
          {props.title}
        </summary>
        <div className="mt-1">{body}</div>
      </details>
    );
  return (
    <div>
      <SectionTitle>{props.title}</SectionTitle>
      {body}
    </div>
  );
}
