import { timeoutBudget } from "@sagaflow/engine/core";
import { useMemo } from "react";
import { useEditor, useEditorStore } from "../../../canvas/store/editor-context";
import { graphToDefinition } from "../../../canvas/utils/graph-to-definition";
import { formatDuration } from "../../../run/ui/status";

/**
 * Under the workflow's deadline field: the worst case of its slowest path (the timeout budget), in amber
 * when it exceeds the deadline. Where the deadline is set, so the warning is seen without opening Simulate.
 */
export function DeadlineBudget() {
  const store = useEditorStore();
  const revision = useEditor((s) => s.revision);
  const deadline = useEditor((s) => s.meta.timeout);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  const budget = useMemo(() => {
    if (deadline === undefined) return undefined;
    try {
      const { nodes, meta } = store.getState();
      return timeoutBudget(graphToDefinition(nodes, meta));
    } catch {
      return undefined; // a duration that does not parse yet: the validator says so
    }
  }, [store, revision, deadline]);
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
