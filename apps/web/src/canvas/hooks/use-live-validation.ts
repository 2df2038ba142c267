import { type ActionCatalog, validateDefinition } from "@sagaflow/shared";
import { useEffect } from "react";
import { useEditorStore } from "../store/editor-context";
import { graphToDefinition } from "../utils/graph-to-definition";

/** Validates with the shared validator shortly after each content change; markers follow. */
export function useLiveValidation(catalog: ActionCatalog | undefined, delayMs = 120) {
  const store = useEditorStore();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      const { nodes, meta } = store.getState();
      const { layout: _layout, ...definition } = graphToDefinition(nodes, meta);
      const result = validateDefinition(definition, catalog ? { actions: catalog } : {});
      store.getState().setDiagnostics(result.diagnostics);
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
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, catalog, delayMs]);
}
