import { z } from "zod";

/** Run statuses (SPEC §3). */
export const runStatusSchema = z.enum([
  "running",
  "waiting",
  "succeeded",
  "failed",
  "compensating",
  "compensated",
  "compensation_failed",
  "suspended",
  "canceled",
]);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** Statuses no engine continues by itself; `compensation_failed`, `suspended` and some others wait for a person. */
export const TERMINAL_STATUSES: readonly RunStatus[] = [
  "succeeded",
  "failed",
  "compensated",
  "compensation_failed",
  "suspended",
  "canceled",
];
export const isTerminalStatus = (status: RunStatus): boolean => TERMINAL_STATUSES.includes(status);

/** Statuses that need a person to act. */
export const NEEDS_ATTENTION_STATUSES: readonly RunStatus[] = ["compensation_failed", "suspended"];

/** A named error, as thrown by actions and matched by `catch` and `retryOn`. */
export const runErrorSchema = z.object({ error: z.string(), message: z.string() });
export type RunError = z.infer<typeof runErrorSchema>;
