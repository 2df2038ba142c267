import { useCallback, useEffect, useRef, useState } from "react";
import { useEditorStore } from "../../canvas/store/editor-context";
import { graphToDefinition } from "../../canvas/utils/graph-to-definition";
import { setLeaveGuard } from "../../lib/route";

/** Whether the drawing differs from what was last saved; warns before leaving with unsaved changes. */
export function useDirty(startsSaved: boolean) {
  const store = useEditorStore();
  const current = useCallback(() => {
    const { nodes, meta } = store.getState();
    return JSON.stringify(graphToDefinition(nodes, meta));
  }, [store]);
  const saved = useRef<string | undefined>(startsSaved ? current() : undefined);
  const [dirty, setDirty] = useState(!startsSaved);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let seen = `${store.getState().revision}:${store.getState().layoutRevision}`;
    const unsubscribe = store.subscribe((s) => {
      const key = `${s.revision}:${s.layoutRevision}`;
      if (key === seen) return;
      seen = key;
      clearTimeout(timer);
      timer = setTimeout(() => setDirty(saved.current !== current()), 100);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, current]);

  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!dirtyRef.current) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    setLeaveGuard(
      () => !dirtyRef.current || window.confirm("This workflow has unsaved changes. Leave without saving?"),
    );
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      setLeaveGuard(undefined);
    };
  }, []);

  const markSaved = () => {
    saved.current = current();
    setDirty(false);
    dirtyRef.current = false;
  };
  return { dirty, markSaved };
}
