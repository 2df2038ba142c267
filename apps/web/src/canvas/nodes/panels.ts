import type { State, StateType } from "@sagaflow/shared";
import type { ComponentType } from "react";
import { ChoicePanel } from "./choice/panel";
import { CompensationPanel } from "./compensation/panel";
import { FailPanel } from "./fail/panel";
import { MapPanel } from "./map/panel";
import type { PanelProps } from "./panel-props";
import { ParallelPanel } from "./parallel/panel";
import { SignalPanel } from "./signal/panel";
import { SucceedPanel } from "./succeed/panel";
import { TaskPanel } from "./task/panel";
import { WaitPanel } from "./wait/panel";

/** The inspector form of each state type (each lives next to its node). */
export const statePanels = {
  task: TaskPanel,
  compensation: CompensationPanel,
  choice: ChoicePanel,
  parallel: ParallelPanel,
  map: MapPanel,
  wait: WaitPanel,
  signal: SignalPanel,
  succeed: SucceedPanel,
  fail: FailPanel,
} as unknown as Record<StateType, ComponentType<PanelProps<State>>>;
