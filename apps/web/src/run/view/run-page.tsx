import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import { EditorStoreContext } from "../../canvas/store/editor-context";
import { createEditorStore, type EditorStore } from "../../canvas/store/editor-store";
import {
  createRunOverlayStore,
  RunOverlayContext,
  type RunOverlayStore,
} from "../../canvas/store/run-overlay";
import { api, errorMessage } from "../../lib/trpc";
import { graphForDefinition } from "../../pages/editor/load-definition";
import { createRunSessionStore, followRun, type RunSessionStore } from "../live/run-session";
import { RunSessionContext } from "../live/run-session-context";
import { TravelContext } from "../time-travel/travel-context";
import { createTravelController, type TravelController } from "../time-travel/travel-controller";
import "./run-view.css";
import { RunWorkspace } from "./run-workspace";

interface Stores {
  editor: EditorStore;
  overlay: RunOverlayStore;
  session: RunSessionStore;
  travel: TravelController;
}

/**
 * One run on the canvas: the graph of the run's own definition version, read-only, with the run's
 * progress drawn over it from a separate overlay store.
 */
export function RunPage({ runId }: { runId: string }) {
  const [stores, setStores] = useState<Stores | { error: string } | null>(null);

  useEffect(() => {
    let live = true;
    let stop: (() => void) | undefined;
    setStores(null);
    (async () => {
      const initial = await api.runs.get.query({ runId });
      const editor = createEditorStore();
      if (initial.definition)
        editor.getState().load(await graphForDefinition(initial.definition), { readOnly: true });
      if (!live) return;
      const overlay = createRunOverlayStore();
      const session = createRunSessionStore(initial);
      const edges = () => editor.getState().edges;
      const travel = createTravelController({ store: session, overlay, edges });
      const unfollow = followRun({ store: session, overlay, edges, onLive: (events) => travel.live(events) });
      stop = () => {
        unfollow();
        travel.dispose();
      };
      setStores({ editor, overlay, session, travel });
    })().catch((error: unknown) => live && setStores({ error: errorMessage(error) }));
    return () => {
      live = false;
      stop?.();
    };
  }, [runId]);

  if (!stores)
    return <div className="flex flex-1 items-center justify-center text-slate-400">Loading run…</div>;
  if ("error" in stores)
    return (
      <div className="flex flex-1 items-center justify-center text-rose-600" data-testid="run-error">
        {stores.error}
      </div>
    );
  return (
    <EditorStoreContext.Provider value={stores.editor}>
      <RunOverlayContext.Provider value={stores.overlay}>
        <RunSessionContext.Provider value={stores.session}>
          <TravelContext.Provider value={stores.travel}>
            <ReactFlowProvider>
              <RunWorkspace />
            </ReactFlowProvider>
          </TravelContext.Provider>
        </RunSessionContext.Provider>
      </RunOverlayContext.Provider>
    </EditorStoreContext.Provider>
  );
}
