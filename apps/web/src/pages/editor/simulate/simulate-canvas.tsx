import { type ReactNode, useState } from "react";
import { FlowCanvas } from "../../../canvas/flow-canvas";
import { useEditorStore } from "../../../canvas/store/editor-context";
import { RunOverlayContext } from "../../../canvas/store/run-overlay";
import "../../../run/view/run-view.css";
import { OutcomeToolbars } from "./outcome-toolbars";
import { createSimulateStore, SimulateContext, useSimulateStore } from "./simulate-store";

/** One Simulate store per editor page: the outcomes outlive a trip back to design mode. */
export function SimulateProvider({ children }: { children: ReactNode }) {
  const editor = useEditorStore();
  const [store] = useState(() => createSimulateStore(editor));
  return <SimulateContext.Provider value={store}>{children}</SimulateContext.Provider>;
}

/**
 * The designer's canvas. In Simulate mode the simulated run is drawn over it with the run view's overlay
 * (statuses, path, numbered compensation trace) and the outcome pickers sit on the states. The canvas
 * stays mounted across modes, so the viewport does not jump.
 */
export function SimulateCanvas({ active }: { active: boolean }) {
  const sim = useSimulateStore();
  return (
    <RunOverlayContext.Provider value={active ? sim.overlay : null}>
      <div
        className={`h-full ${active ? "sf-run" : ""}`}
        data-testid={active ? "simulate-canvas" : undefined}
      >
        <FlowCanvas>{active && <OutcomeToolbars />}</FlowCanvas>
      </div>
    </RunOverlayContext.Provider>
  );
}
