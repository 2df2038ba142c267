import type { StateType } from "@sagaflow/shared";

/** One colour and glyph per state type, shared by nodes, palette and inspector. */
export interface StateStyle {
  label: string;
  /** Tailwind classes: the icon chip, the accent bar, the soft background of containers. */
  chip: string;
  accent: string;
  soft: string;
  hint: string;
}

export const STATE_STYLES: Record<StateType, StateStyle> = {
  task: {
    label: "Task",
    chip: "bg-indigo-500 text-white",
    accent: "bg-indigo-500",
    soft: "bg-indigo-50",
    hint: "Runs an action",
  },
  compensation: {
    label: "Compensation",
    chip: "bg-violet-500 text-white",
    accent: "bg-violet-500",
    soft: "bg-violet-50",
    hint: "Undoes a task",
  },
  choice: {
    label: "Choice",
    chip: "bg-amber-500 text-white",
    accent: "bg-amber-500",
    soft: "bg-amber-50",
    hint: "Branches on a condition",
  },
  parallel: {
    label: "Parallel",
    chip: "bg-teal-500 text-white",
    accent: "bg-teal-500",
    soft: "bg-teal-50/60",
    hint: "Branches run together",
  },
  map: {
    label: "Map",
    chip: "bg-sky-500 text-white",
    accent: "bg-sky-500",
    soft: "bg-sky-50/60",
    hint: "One iteration per item",
  },
  wait: {
    label: "Wait",
    chip: "bg-slate-500 text-white",
    accent: "bg-slate-500",
    soft: "bg-slate-50",
    hint: "A durable timer",
  },
  signal: {
    label: "Signal",
    chip: "bg-orange-500 text-white",
    accent: "bg-orange-500",
    soft: "bg-orange-50",
    hint: "Waits for an event or a person",
  },
  succeed: {
    label: "Succeed",
    chip: "bg-emerald-500 text-white",
    accent: "bg-emerald-500",
    soft: "bg-emerald-50",
    hint: "Ends with success",
  },
  fail: {
    label: "Fail",
    chip: "bg-rose-500 text-white",
    accent: "bg-rose-500",
    soft: "bg-rose-50",
    hint: "Ends with a failure",
  },
};

export const PALETTE_ORDER: StateType[] = [
  "task",
  "compensation",
  "choice",
  "parallel",
  "map",
  "wait",
  "signal",
  "succeed",
  "fail",
];
