import { formatDuration } from "../../../run/ui/status";
import { useBudget } from "./use-budget";

const formatMs = (ms: number) => (Number.isFinite(ms) ? formatDuration(ms) : "unbounded");

/**
 * The timeout budget of the workflow as drawn (core/timeout-budget.ts, as `sagaflow test --each-failure`
 * prints it): the worst case of each path, from timeouts, retries with backoff and waits, and a warning
 * when it exceeds the workflow's deadline.
 */
export function BudgetView() {
  const budget = useBudget();
  if (!budget) {
    return (
      <section className="px-4 py-3 text-[12px] text-slate-500" data-testid="sim-budget-busy">
        Computing the budget…
      </section>
    );
  }
  if (!budget.ok) {
    return (
      <section className="px-4 py-3" data-testid="sim-budget">
        <ul className="space-y-1 rounded-lg bg-rose-50 px-3 py-2 text-[12px] text-rose-700">
          {budget.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </section>
    );
  }
  const { value } = budget;
  return (
    <section className="space-y-3 px-4 py-3" data-testid="sim-budget">
      <p className="text-[12px] text-slate-500">
        The longest each path can take: every attempt runs to its timeout and is retried as its policy allows,
        waits take their duration, signals their timeout. Compensation runs after the deadline.
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-[12px]">
        <dt className="text-slate-500">Worst case</dt>
        <dd className="font-semibold text-slate-800" data-testid="sim-budget-worst">
          {formatMs(value.worstMs)}
        </dd>
        <dt className="text-slate-500">Deadline</dt>
        <dd className="text-slate-800" data-testid="sim-budget-deadline">
          {value.deadlineMs === null
            ? "none (set one in the workflow's settings)"
            : formatMs(value.deadlineMs)}
        </dd>
      </dl>
      {value.exceedsDeadline && value.deadlineMs !== null && (
        <p
          role="alert"
          data-testid="sim-budget-warning"
          className="rounded-lg bg-amber-50 px-3 py-2 text-[12px] text-amber-800"
        >
          ⚠ The worst case ({formatMs(value.worstMs)}) exceeds the workflow's deadline of{" "}
          {formatMs(value.deadlineMs)}: a run that meets every timeout can still be stopped by the deadline.
        </p>
      )}
      <ol className="space-y-1.5" data-testid="sim-budget-paths">
        {value.paths.map((path) => (
          <li
            key={path.steps.join(">")}
            data-exceeds={path.exceedsDeadline || undefined}
            className={`rounded-lg border px-2.5 py-1.5 text-[11px] ${path.exceedsDeadline ? "border-amber-300 bg-amber-50" : "border-slate-200"}`}
          >
            <div className="font-semibold text-slate-800">
              {path.exceedsDeadline && "⚠ "}
              {formatMs(path.worstMs)}
            </div>
            <div className="font-mono text-slate-500">{path.steps.join(" → ")}</div>
          </li>
        ))}
      </ol>
      {value.truncated && (
        <p className="text-[11px] text-slate-500">
          More paths exist; the worst is {formatMs(value.worstMs)}.
        </p>
      )}
      {value.assumptions.map((note) => (
        <p key={note} className="text-[11px] text-slate-500">
          Note: {note}
        </p>
      ))}
    </section>
  );
}
