import { useSyncExternalStore } from "react";

/** Hash routing: `#/`, `#/workflows/<name>`, `#/new/<name>`, `#/runs`, `#/runs/<id>`. No dependency needed. */
export type Route =
  | { page: "list" }
  | { page: "editor"; name: string; isNew: boolean; version?: number }
  | { page: "runs" }
  | { page: "run"; runId: string };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts[0] === "workflows" && parts[1]) {
    const version = Number(params.get("version"));
    return { page: "editor", name: parts[1], isNew: false, ...(version > 0 ? { version } : {}) };
  }
  if (parts[0] === "new" && parts[1]) return { page: "editor", name: parts[1], isNew: true };
  if (parts[0] === "runs" && parts[1]) return { page: "run", runId: parts[1] };
  if (parts[0] === "runs") return { page: "runs" };
  return { page: "list" };
}

export const hrefOf = (route: Route): string => {
  switch (route.page) {
    case "list":
      return "#/";
    case "editor":
      return route.isNew
        ? `#/new/${encodeURIComponent(route.name)}`
        : `#/workflows/${encodeURIComponent(route.name)}${route.version ? `?version=${route.version}` : ""}`;
    case "runs":
      return "#/runs";
    case "run":
      return `#/runs/${encodeURIComponent(route.runId)}`;
  }
};

/** Guards a navigation away (unsaved changes); returns false to stay. */
let leaveGuard: (() => boolean) | undefined;
export const setLeaveGuard = (guard: (() => boolean) | undefined) => {
  leaveGuard = guard;
};

export function navigate(route: Route, options: { replace?: boolean } = {}) {
  if (leaveGuard && !leaveGuard()) return;
  const href = hrefOf(route);
  if (options.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
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
