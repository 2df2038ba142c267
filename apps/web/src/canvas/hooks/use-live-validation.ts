import { type ActionCatalog, type Diagnostic, validateDefinition } from "@sagaflow/shared";
import { useEffect } from "react";
import { useEditorStore } from "../store/editor-context";
import { graphToDefinition } from "../utils/graph-to-definition";
import { inWorker } from "../worker/in-worker";

/** From this many states on, validation (about 0.1 ms a state) runs in the canvas worker. */
export const VALIDATE_IN_WORKER = 500;

/** Validates with the shared validator shortly after each content change; markers follow. */
export function useLiveValidation(catalog: ActionCatalog | undefined, delayMs = 120) {
  const store = useEditorStore();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    // Only the newest request's answer counts: an older one finishing late would bring back stale markers.
    let latest = 0;
    const run = () => {
      const { nodes, meta } = store.getState();
      const { layout: _layout, ...definition } = graphToDefinition(nodes, meta);
      if (nodes.length < VALIDATE_IN_WORKER) {
        const result = validateDefinition(definition, catalog ? { actions: catalog } : {});
        store.getState().setDiagnostics(result.diagnostics);
        return;
      }
      const request = ++latest;
      const apply = (diagnostics: Diagnostic[]) => {
        if (live && request === latest) store.getState().setDiagnostics(diagnostics);
      };
      inWorker({ type: "validate", definition, catalog }).then(apply, (error: unknown) =>
        apply([
          {
            severity: "error",
            code: "validator-failed",
            path: "$",
            message: `Could not validate: ${String(error)}`,
          },
        ]),
      );
    };
    run();
    let revision = store.getState().revision;
    const unsubscribe = store.subscribe((state) => {
      if (state.revision === revision) return;
      revision = state.revision;
      clearTimeout(timer);
      timer = setTimeout(run, delayMs);
    });
    return () => {
      live = false;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, catalog, delayMs]);
}
