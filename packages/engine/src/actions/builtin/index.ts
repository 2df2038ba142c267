import type { ActionDefinition } from "../types";
import { assertAction } from "./assert";
import { delay } from "./delay";
import { fileDelete } from "./file-delete";
import { flaky } from "./flaky";
import { createHttpRequestAction, type HttpRequestOptions, httpRequest } from "./http-request";
import { log } from "./log";
import { sqlExec } from "./sql-exec";
import { sqlQuery } from "./sql-query";
import { sqliteBackup } from "./sqlite-backup";
import { sqliteRestore } from "./sqlite-restore";
import { transform } from "./transform";

/** Every built-in action of SPEC §4. */
export const builtinActions: readonly ActionDefinition[] = [
  sqlExec,
  sqlQuery,
  sqliteBackup,
  sqliteRestore,
  fileDelete,
  assertAction,
  transform,
  delay,
  httpRequest,
  log,
  flaky,
];

export { defaultBackupPath } from "./sqlite-backup";

/** The built-in actions with `http.request` bound to an outbound policy and response limit. */
export function builtinActionsWith(options: HttpRequestOptions): ActionDefinition[] {
  const configured = createHttpRequestAction(options) as ActionDefinition;
  return builtinActions.map((action) => (action.name === configured.name ? configured : action));
}

export { DEFAULT_MAX_RESPONSE_BYTES, type HttpRequestOptions } from "./http-request";
