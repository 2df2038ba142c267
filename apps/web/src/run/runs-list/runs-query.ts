import { type RunStatus, runStatusSchema } from "@sagaflow/shared";

/** What the runs page shows, all of it in the URL so a reload or a shared link shows the same page. */
/**
 * Filters that take several statuses: runs that need a person, and runs that ended badly (the failed ones,
 * whether or not they compensated, and canceled ones). Every single status is a filter of its own too.
 */
export const STATUS_GROUPS = {
  attention: ["compensation_failed", "suspended", "waiting"],
  ended_badly: ["failed", "compensated", "compensation_failed", "canceled"],
} as const satisfies Record<string, readonly RunStatus[]>;
export type StatusGroup = keyof typeof STATUS_GROUPS;

/** The statuses a query's status filter lists (undefined: all). */
export function statusesOf(status: RunsQuery["status"]): RunStatus[] | undefined {
  if (status === "") return undefined;
  return status in STATUS_GROUPS ? [...STATUS_GROUPS[status as StatusGroup]] : [status as RunStatus];
}

export interface RunsQuery {
  status: RunStatus | StatusGroup | "";
  workflow: string;
  /** A run id or the start of one. */
  q: string;
  /** Started at or after / before (ISO-8601, UTC); "" for no bound. */
  from: string;
  to: string;
  /** 1-based page number, and the cursor that page starts after (none on page 1). */
  page: number;
  after?: string;
}

export const EMPTY_RUNS_QUERY: RunsQuery = { status: "", workflow: "", q: "", from: "", to: "", page: 1 };

const isStatus = (text: string): text is RunsQuery["status"] =>
  text === "" || text in STATUS_GROUPS || runStatusSchema.safeParse(text).success;
const isoOrEmpty = (text: string | null) => (text && !Number.isNaN(Date.parse(text)) ? text : "");

/** The runs query in `#/runs?…`; anything missing or malformed reads as "no filter", page 1. */
export function parseRunsQuery(hash: string): RunsQuery {
  const params = new URLSearchParams(hash.split("?")[1] ?? "");
  const status = params.get("status") ?? "";
  const page = Number(params.get("page"));
  const after = params.get("after");
  const paged = Number.isInteger(page) && page > 1 && after;
  return {
    status: isStatus(status) ? status : "",
    workflow: params.get("workflow") ?? "",
    q: params.get("q") ?? "",
    from: isoOrEmpty(params.get("from")),
    to: isoOrEmpty(params.get("to")),
    page: paged ? page : 1,
    ...(paged ? { after } : {}),
  };
}

export function runsQueryHash(query: RunsQuery): string {
  const params = new URLSearchParams();
  if (query.status) params.set("status", query.status);
  if (query.workflow) params.set("workflow", query.workflow);
  if (query.q) params.set("q", query.q);
  if (query.from) params.set("from", query.from);
  if (query.to) params.set("to", query.to);
  if (query.page > 1 && query.after) {
    params.set("page", String(query.page));
    params.set("after", query.after);
  }
  return params.size > 0 ? `#/runs?${params}` : "#/runs";
}

/** Run ids are ULIDs (upper-case Crockford base 32): a prefix typed in lower case still finds them. */
export function normaliseIdPrefix(text: string): string {
  const trimmed = text.trim();
  return /^[0-9a-hjkmnp-tv-z]+$/i.test(trimmed) ? trimmed.toUpperCase() : trimmed;
}

/** `<input type="datetime-local">` speaks local time without a zone; the URL and the API speak UTC. */
export function localInputToIso(value: string): string {
  if (!value) return "";
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? "" : new Date(time).toISOString();
}

export function isoToLocalInput(iso: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// The runs page last shown in this tab, so "back to all runs" from a run returns to the same filters.
const LAST_RUNS_KEY = "sagaflow.runs-page";
export const rememberRunsHash = (hash: string) => sessionStorage.setItem(LAST_RUNS_KEY, hash);
export const lastRunsHash = (): string => sessionStorage.getItem(LAST_RUNS_KEY) ?? "#/runs";
