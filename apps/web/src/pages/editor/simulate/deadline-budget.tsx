import { useEditor } from "../../../canvas/store/editor-context";
import { formatDuration } from "../../../run/ui/status";
import { useBudget } from "./use-budget";

/**
 * Under the workflow's deadline field: the worst case of its slowest path (the timeout budget), in amber
 * when it exceeds the deadline. Where the deadline is set, so the warning is seen without opening Simulate.
 */
export function DeadlineBudget() {
  const deadline = useEditor((s) => s.meta.timeout);
  const checked = useBudget(deadline !== undefined);
  // A definition that does not validate yet has no budget: the problems list says why.
  const budget = checked?.ok ? checked.value : undefined;
  if (!budget || budget.deadlineMs === null) return null;
  const worst = Number.isFinite(budget.worstMs) ? formatDuration(budget.worstMs) : "unbounded";
  return budget.exceedsDeadline ? (
    <span className="text-amber-700" data-testid="deadline-budget" data-exceeds="true">
      ⚠ The slowest path can take {worst}, more than this deadline (Simulate → Budget shows each path).
    </span>
  ) : (
    <span data-testid="deadline-budget">Every path fits: the slowest can take {worst}.</span>
  );
}
