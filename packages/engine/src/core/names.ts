/** How scopes, idempotency keys, attempts and timers are named; fold and decide must agree on these. */

/** Prefix of ids nested in a scope: "" at the top level, `scope/` below. */
export function scopePrefix(scope: string): string {
  return scope === "" ? "" : `${scope}/`;
}

/** A container entered again (a loop) names its children with its visit, so keys never repeat. */
function containerName(stateId: string, visit: number): string {
  return visit > 1 ? `${stateId}@${visit}` : stateId;
}

export function branchScopeId(parent: string, stateId: string, visit: number, branch: string): string {
  return `${scopePrefix(parent)}${containerName(stateId, visit)}.${branch}`;
}

export function iterationScopeId(parent: string, stateId: string, visit: number, index: number): string {
  return `${scopePrefix(parent)}${containerName(stateId, visit)}[${index}]`;
}

/** Whether `id` lies inside `ancestor` (not equal to it). Every scope lies inside the top level "". */
export function isInsideScope(id: string, ancestor: string): boolean {
  return ancestor === "" ? id !== "" : id.startsWith(`${ancestor}/`);
}

/** `<runId>:<scope/>stateId:<visit>`: shared by every attempt of one step execution (SPEC §2). */
export function idempotencyKey(runId: string, scope: string, stateId: string, visit: number): string {
  return `${runId}:${scopePrefix(scope)}${stateId}:${visit}`;
}

/** The key of the compensation of one compensation-stack entry. */
export function compensationKey(
  runId: string,
  entry: { scope: string; taskStateId: string; visit: number; compensationStateId: string },
): string {
  return `${idempotencyKey(runId, entry.scope, entry.taskStateId, entry.visit)}:${entry.compensationStateId}`;
}

export function attemptId(key: string, attempt: number): string {
  return `${key}#${attempt}`;
}

export const DEADLINE_TIMER = "deadline";
export const waitTimerId = (key: string): string => `wait:${key}`;
export const signalTimerId = (key: string): string => `signal:${key}`;
export const retryTimerId = (key: string, attempt: number): string => `retry:${key}#${attempt}`;
export const compensationRetryTimerId = (key: string, attempt: number): string =>
  `compensation:${key}#${attempt}`;
