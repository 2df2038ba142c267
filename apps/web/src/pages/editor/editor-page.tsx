import type { Definition } from "@sagaflow/shared";
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import { EditorStoreContext } from "../../canvas/store/editor-context";
import { createEditorStore } from "../../canvas/store/editor-store";
import { guessDirection } from "../../canvas/utils/guess-direction";
import { api, errorMessage } from "../../lib/trpc";
import { EditorWorkspace } from "./editor-workspace";
import { blankDefinition, graphForDefinition } from "./load-definition";
import { OldVersionBanner } from "./old-version-banner";
import { SimulateProvider } from "./simulate/simulate-canvas";

type Loaded =
  | { status: "loading" }
  | { status: "error"; message: string }
  | {
      status: "ready";
      version: number | undefined;
      latest: number | undefined;
      definition: Definition | null;
    };

/** One workflow in the designer: loads it (or starts a blank one), then hands over to the workspace. */
export function EditorPage({ name, isNew, version }: { name: string; isNew: boolean; version?: number }) {
  const [store] = useState(createEditorStore);
  const [loaded, setLoaded] = useState<Loaded>({ status: "loading" });

  useEffect(() => {
    let live = true;
    setLoaded({ status: "loading" });
    (async () => {
      let definition: Definition;
      let savedVersion: number | undefined;
      let latest: number | undefined;
      if (isNew) {
        definition = blankDefinition(name);
      } else {
        const [stored, newest] = await Promise.all([
          api.definitions.get.query({ name, ...(version ? { version } : {}) }),
          version ? api.definitions.get.query({ name }) : undefined,
        ]);
        definition = stored.definition;
        savedVersion = stored.version;
        latest = newest?.version ?? stored.version;
      }
      const graph = await graphForDefinition(definition);
      if (!live) return;
      // An older version is shown read-only: saving it would silently make it the new latest.
      const old = savedVersion !== undefined && latest !== undefined && savedVersion < latest;
      store.getState().load(graph, { readOnly: old });
      store.getState().setDirection(guessDirection(graph.nodes, graph.edges));
      store.temporal.getState().clear();
      setLoaded({ status: "ready", version: savedVersion, latest, definition: old ? definition : null });
    })().catch((error: unknown) => live && setLoaded({ status: "error", message: errorMessage(error) }));
    return () => {
      live = false;
    };
  }, [store, name, isNew, version]);

  if (loaded.status === "loading")
    return <div className="flex flex-1 items-center justify-center text-slate-400">Loading {name}…</div>;
  if (loaded.status === "error")
    return <div className="flex flex-1 items-center justify-center text-rose-600">{loaded.message}</div>;
  return (
    <EditorStoreContext.Provider value={store}>
      {loaded.definition && loaded.version !== undefined && loaded.latest !== undefined && (
        <OldVersionBanner
          name={name}
          version={loaded.version}
          latest={loaded.latest}
          definition={loaded.definition}
        />
      )}
      <ReactFlowProvider>
        <SimulateProvider key={`${name}:${version ?? "latest"}:${isNew}`}>
          <EditorWorkspace isNew={isNew} loadedVersion={loaded.version} />
        </SimulateProvider>
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
}
