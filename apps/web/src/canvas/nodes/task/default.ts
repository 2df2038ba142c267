import type { TaskState } from "@sagaflow/shared";

/** A task state as dropped from the palette, and the prefix of its generated id. */
export const defaultState: TaskState = {
  type: "task",
  action: "log",
  params: { message: "Hello from Sagaflow" },
};
export const idPrefix = "task";
