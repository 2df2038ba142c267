import { z } from "zod";
import type { ActionCatalog } from "../../diagnostics";
import { type ValidateOptions, validateDefinition } from "../validate";

/** A definition around `states`, starting at the first one unless `startAt` is given. */
export function definitionOf(states: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { name: "test", startAt: Object.keys(states)[0], states, ...extra };
}

/** The diagnostics with one code. */
export function findings(input: unknown, code: string, options?: ValidateOptions) {
  return validateDefinition(input, options).diagnostics.filter((d) => d.code === code);
}

/** A catalog shaped like the engine's: params as JSON Schema generated from zod. */
export const testCatalog: ActionCatalog = {
  "sql.exec": {
    name: "sql.exec",
    description: "Runs SQL statements in one transaction",
    effect: "write",
    params: z.toJSONSchema(
      z
        .object({
          database: z.string(),
          sql: z.union([z.string(), z.array(z.string()).min(1)]),
          args: z.array(z.unknown()).optional(),
        })
        .strict(),
    ),
  },
  "sqlite.restore": {
    name: "sqlite.restore",
    description: "Restores a backup",
    effect: "write",
    params: z.toJSONSchema(z.object({ database: z.string(), from: z.string() }).strict()),
  },
  "http.request": {
    name: "http.request",
    description: "Sends an HTTP request",
    effect: "write",
    readOnlyWhen: { param: "method", values: ["GET", "HEAD"] },
    params: z.toJSONSchema(
      z.object({
        url: z.string(),
        method: z.enum(["GET", "HEAD", "POST", "PUT", "DELETE"]).default("GET"),
        headers: z.record(z.string(), z.string()).optional(),
      }),
      { io: "input" },
    ),
  },
  log: {
    name: "log",
    description: "Logs a message",
    effect: "none",
    params: z.toJSONSchema(
      z.object({ message: z.string(), level: z.enum(["info", "warn"]).optional() }).strict(),
    ),
  },
};
