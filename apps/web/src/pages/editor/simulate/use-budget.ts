import type { TimeoutBudget } from "@sagaflow/engine/core";
import { useEffect, useState } from "react";
import { useEditor, useEditorStore } from "../../../canvas/store/editor-context";
import { graphToDefinition } from "../../../canvas/utils/graph-to-definition";
import { AnalysisCanceled, AnalysisWorker } from "./in-analysis-worker";
import type { Checked } from "./run-simulation";

/** Waits this long after the last edit: typing a duration computes the budget once, not per key. */
const DEBOUNCE_MS = 150;

/**
 * The timeout budget of the workflow as drawn, computed in a worker after each change of the content
 * (a 1,000-state workflow takes a quarter of a second: too long for the main thread on every edit).
 * Undefined until the first answer, and while `enabled` is false.
 */
export function useBudget(enabled = true): Checked<TimeoutBudget> | undefined {
  const store = useEditorStore();
  const revision = useEditor((s) => s.revision);
  const [worker] = useState(() => new AnalysisWorker());
  const [budget, setBudget] = useState<Checked<TimeoutBudget>>();

  useEffect(() => () => worker.cancel(), [worker]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const timer = setTimeout(() => {
      const { nodes, meta } = store.getState();
      worker
        .run({ type: "budget", definition: graphToDefinition(nodes, meta) })
        .then((result) => live && setBudget(result))
        .catch((error: unknown) => {
          if (live && !(error instanceof AnalysisCanceled))
            setBudget({ ok: false, problems: [error instanceof Error ? error.message : String(error)] });
        });
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [store, worker, revision, enabled]);

  return enabled ? budget : undefined;
}
