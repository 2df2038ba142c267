import { useSyncExternalStore } from "react";

/** Hash routing: `#/`, `#/workflows/<name>`, `#/new/<name>`, `#/runs`, `#/runs/<id>`. No dependency needed. */
export type Route =
  | { page: "list" }
  | { page: "editor"; name: string; isNew: boolean; version?: number; state?: string }
  | { page: "runs" }
  | { page: "run"; runId: string }
  /** Two versions of a workflow on one canvas, coloured by what changed. */
  | { page: "compare"; name: string; a: number; b: number };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const state = params.get("state") ? { state: params.get("state") as string } : {};
  if (parts[0] === "workflows" && parts[1]) {
    const version = Number(params.get("version"));
    return { page: "editor", name: parts[1], isNew: false, ...(version > 0 ? { version } : {}), ...state };
  }
  if (parts[0] === "new" && parts[1]) return { page: "editor", name: parts[1], isNew: true, ...state };
  if (parts[0] === "runs" && parts[1]) return { page: "run", runId: parts[1] };
  if (parts[0] === "compare" && parts[1]) {
    const [a, b] = [Number(params.get("a")), Number(params.get("b"))];
    if (Number.isInteger(a) && Number.isInteger(b) && a > 0 && b > 0)
      return { page: "compare", name: parts[1], a, b };
  }
  if (parts[0] === "runs") return { page: "runs" };
  return { page: "list" };
}

export const hrefOf = (route: Route): string => {
  switch (route.page) {
    case "list":
      return "#/";
    case "editor": {
      const query = new URLSearchParams();
      if (route.version && !route.isNew) query.set("version", String(route.version));
      if (route.state) query.set("state", route.state);
      const path = route.isNew
        ? `#/new/${encodeURIComponent(route.name)}`
        : `#/workflows/${encodeURIComponent(route.name)}`;
      return query.size > 0 ? `${path}?${query}` : path;
    }
    case "runs":
      return "#/runs";
    case "run":
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case "compare":
      return `#/compare/${encodeURIComponent(route.name)}?a=${route.a}&b=${route.b}`;
  }
};

/** Guards a navigation away (unsaved changes); returns false to stay. */
let leaveGuard: (() => boolean) | undefined;
export const setLeaveGuard = (guard: (() => boolean) | undefined) => {
  leaveGuard = guard;
};

/** The page a hash shows, without what only moves within it (the selected state). */
function pageOf(hash: string): string {
  const [path = "", query = ""] = hash.split("?");
  const params = new URLSearchParams(query);
  params.delete("state");
  return params.size > 0 ? `${path}?${params}` : path;
}

/** The hash last shown, to go back to when the guard refuses Back or Forward. */
let shown = typeof window === "undefined" ? "" : window.location.hash;

if (typeof window !== "undefined") {
  // Back and Forward change the URL before anyone is asked: ask now, and put the URL back on "stay".
  window.addEventListener("popstate", () => {
    const next = window.location.hash;
    if (pageOf(next) !== pageOf(shown) && leaveGuard && !leaveGuard()) {
      history.pushState(null, "", shown || "#/");
      return;
    }
    shown = next;
  });
}

export function navigate(route: Route, options: { replace?: boolean } = {}) {
  const href = hrefOf(route);
  if (pageOf(href) !== pageOf(window.location.hash) && leaveGuard && !leaveGuard()) return;
  if (options.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  shown = href;
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

const subscribe = (callback: () => void) => {
  window.addEventListener("hashchange", callback);
  return () => window.removeEventListener("hashchange", callback);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

/** Puts a detail of the current page in the URL (the selected state) without a history entry or a render. */
export function replaceQuietly(route: Route) {
  const href = hrefOf(route);
  if (href === window.location.hash) return;
  history.replaceState(null, "", href);
  shown = href;
}
