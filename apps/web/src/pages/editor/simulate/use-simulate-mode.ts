import { useCallback, useEffect, useState } from "react";
import { useEditorStore } from "../../../canvas/store/editor-context";
import { useSimulateStore } from "./simulate-store";

/**
 * Whether the designer is in Simulate mode. The canvas is read-only there (a simulation runs the
 * definition as it was when Simulate was pressed; edits belong to design mode), and leaving clears the
 * simulated run from the canvas. The outcomes and input stay for the next visit.
 */
export function useSimulateMode(): [boolean, (active: boolean) => void] {
  const editor = useEditorStore();
  const sim = useSimulateStore();
  const [active, setActive] = useState(false);

  useEffect(() => {
    if (!active) return;
    const wasReadOnly = editor.getState().readOnly;
    editor.setState({ readOnly: true });
    return () => {
      editor.setState({ readOnly: wasReadOnly });
      sim.leave();
    };
  }, [active, editor, sim]);

  return [active, useCallback((next: boolean) => setActive(next), [])];
}
